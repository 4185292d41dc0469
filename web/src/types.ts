/** Shapes of the API's answers the console reads (the API's zod schemas are the source; these are the parts used here). */
export interface HospitalSummary { hospitalId: string; cases: number; grouped: number; ambiguous: number; ungroupable: number; inGroupRate: number; cmi: number | null; totalCost: number }
export interface Overview {
  year: string | null;
  years: string[];
  hospitalId?: string;
  months: { month: string; cases: number; totalCost: number }[];
  hospitals: HospitalSummary[];
  totals: { cases: number; inGroupRate: number; cmi: number | null; totalCost: number };
}
export interface ForecastPoint { month: string; mean: number; lo80: number; hi80: number; lo95: number; hi95: number }
export interface StoredForecast {
  createdAt: string;
  history: { month: string; value: number }[];
  /** null when there is no forecast yet (`message` says why: too few months of data). */
  report: { model: string; aicc: number; forecast: ForecastPoint[]; backtest: { mase: number; seasonalNaiveMase: number } | null } | null;
  message?: string;
}
export type Alert = 'insufficient' | 'warning' | 'target' | 'high' | 'excessive';
export interface YearSummary { year: number; deficitProbability: number; depletionProbability: number; monthsOfReserve: { p5: number; p25: number; p50: number; p75: number; p95: number }; alert: Alert }
export interface StressTest {
  id: string;
  /** POST answers 202; `succeeded` once the result is stored (GET /v1/stress-tests/{id}). */
  status: 'running' | 'succeeded' | 'failed';
  error?: string;
  createdAt: string;
  preset: string | null;
  scenario: Record<string, unknown> & { alerts: { insufficientBelow: number; warningBelow: number; targetUpTo: number; excessiveAbove: number }; paths: number; years: number };
  result: { years: YearSummary[]; depletionYear: Record<string, number>; paths: number; seed: number; elapsedMs: number };
  sweep?: { parameter: string; paths: number; seed: number; years: number[]; rows: { value: number; depletionProbability: number[]; deficitProbability: number[]; neverDepleted: number }[] };
}
export interface TraceStep { step: string; text: string; codes?: string[] }
export interface Grouping { status: 'grouped' | 'ambiguous' | 'ungroupable'; mdc: string | null; adrg: string | null; drg: string | null; severity?: string }
/** A case's DIP packet (present when the service had an active DIP catalogue). */
export interface CaseDip { status: 'grouped' | 'fallback'; packet: string; kind: 'core' | 'comprehensive'; score: number | null; auxiliary: { tier: string; rule: string; coefficient: number } | null; catalog: string }
export interface StoredCase {
  hospitalId: string;
  listId: string;
  record: Record<string, unknown> & { dischargeDate?: string; totalCost?: number; principalDiagnosis?: string; lengthOfStay?: number; hospitalLevel?: number };
  grouping: Grouping;
  dip?: CaseDip;
  weight: number | null;
  trace?: TraceStep[];
  version: number;
  ingestedAt: string;
}
export interface HospitalResult { hospitalId: string; level: number; cases: number; pricedCases: number; totalCost: number; payment: number; cmi: number; balance: number; normal: number; low: number; high: number; review: number; byItem: number }
export interface SimulationJob {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: { partitionsDone: number; partitionsTotal: number | null; casesRead: number };
  result?: { method?: undefined; policy: { name: string | null }; rate: { baseRate: number }; totals: { cases: number; totalCost: number; payment: number }; hospitals: HospitalResult[] } | DipSimulationResultView;
  error?: string;
}
type DipFund = 'all' | 'employee' | 'resident';
/** A DIP policy's result document (app/dip-simulation-result.ts). */
export interface DipSimulationResultView {
  method: 'dip';
  policy: { name: string | null };
  catalog: { source: 'built' | 'given'; packets: number; coreThreshold: number; coreThresholdSource: string; coreCoverage: number | null };
  totals: { cases: number; totalCost: number; caseValue: number; payment: number; prepaid: number; yearEnd: number };
  outliers: { normal: number; low: number; high: number; specialReview: number; ungrouped: number };
  specialReview: { threshold: number; capPerMille: number; candidates: number; cap: number; approved: number; overCap: number };
  funds: { fund: DipFund; budget: number | null; fundRatio: number; cases: number; yearStartPointValue: number | null; settlementPointValue: number | null; prepaid: number; cleared: number; difference: number }[];
  hospitals: { hospitalId: string; fund: DipFund; cases: number; fundShareOfCost: number; prepaid: number; cleared: number; difference: number; retainedSurplus: number; sharedOverspend: number; final: number; low: number; high: number; specialReview: number; ungrouped: number }[];
}
export const alertText: Record<Alert, string> = { insufficient: 'Insufficient (< 3 months)', warning: 'Warning (3–6 months)', target: 'Target (6–9 months)', high: 'High (9–15 months)', excessive: 'Excessive (> 15 months)' };
/** A held scheme as GET /v1/schemes lists it (the fields the console reads). */
export interface HeldSchemeSummary { id: string; name?: string; drgs?: number; adrgs?: number; paymentTable?: string | null }
export interface GroupKey { status: 'grouped' | 'ambiguous' | 'ungroupable'; code: string | null }
export interface Transition { from: GroupKey; to: GroupKey; cases: number; share: number; changed: boolean }
export interface SchemeFigures {
  id: string; name: string; cases: number; grouped: number; ambiguous: number; ungroupable: number; inGroupRate: number | null;
  drgsUsed: number; adrgsUsed: number; cmi: number | null; riv: number | null; meanCv: number | null; groupsCvAboveOne: number; shareCvAboveOne: number | null;
}
export interface SchemeComparison {
  id: string;
  /** POST answers 202 (`queued`); poll GET /v1/scheme-comparisons/{id} until `succeeded` or `failed`. */
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  error?: string;
  request: { schemes: [string, string]; from: string | null; to: string | null };
  progress: { phase: string; partitionsDone: number; partitionsTotal: number | null; casesRead: number };
  result?: {
    period: { from: string; to: string };
    schemes: [SchemeFigures, SchemeFigures];
    cases: number;
    skipped: { withoutCost: number };
    changed: { drg: number; adrg: number; drgShare: number; adrgShare: number };
    transitions: { drg: Transition[]; adrg: Transition[]; drgRows: number; adrgRows: number };
    hospitals: { hospitalId: string; cases: number; totalCost: number; cmi: [number | null, number | null]; payment?: [number, number]; paymentChange?: number; paymentChangeShare?: number | null }[];
    /** The policy the cases were priced by (null or absent: none). */
    policy?: { name: string | null; version: string; payment: [number, number]; baseRate: [number | null, number | null] } | null;
  };
}
