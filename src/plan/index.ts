export type { Plan } from './plan.ts';
export { explain } from './explain.ts';
export { chains } from './chaining.ts';
