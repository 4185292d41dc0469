import type { Clock } from '../../models/ports.ts';

export const systemClock: Clock = { now: () => new Date() };
