/**
 * The probe that runs inside the verified program (main.ts, loaded with --import) and what
 * the runner needs to start it: its URL and the environment entry it reads its plumbing from
 * (plumbing.ts). Importing this runs nothing of the probe.
 */
export type { Plumbing } from './plumbing.js';

export const PLUMBING_ENV = 'H2_SETUP_VERIFY';
export const PROBE_URL = new URL('./main.js', import.meta.url).href;
