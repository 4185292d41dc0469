/** The signed-in key, kept in sessionStorage only (gone when the tab closes), with its role. */
export type Role = 'hospital' | 'analyst' | 'admin';

export interface Session {
  key: string;
  role: Role;
  hospitalId?: string;
}

const storageKey = 'payreform.session';

export function getSession(): Session | null {
  const raw = sessionStorage.getItem(storageKey);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return null;
  }
}

export function setSession(s: Session | null): void {
  if (s) sessionStorage.setItem(storageKey, JSON.stringify(s));
  else sessionStorage.removeItem(storageKey);
}

export const isAnalyst = (s: Session | null): boolean => s?.role === 'analyst' || s?.role === 'admin';
