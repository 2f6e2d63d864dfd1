/**
 * iot-overheat: a sensor whose temperature rises three readings in a row, and whose heartbeat
 * then goes missing: no heartbeat until three minutes after the rise began. Overheating hardware
 * that has stopped reporting its health is the case to page someone for.
 *
 * Shows iterative conditions (each reading compared with the one the match took before, through
 * `ctx.getEventsForPattern`), `notFollowedBy` in the middle of a pattern (no lower reading may come
 * between two rising ones, so they are consecutive readings even with heartbeats interleaved), an
 * absence at the end (`notFollowedBy` + `within`), and `skipPastLastEvent` so one rise is one alert.
 */
import { AfterMatchSkipStrategy, CEP, Pattern, WatermarkStrategy, sinks, sources, type DataStream, type StreamEnvironment } from 'eddy';

/** What a sensor sends: a temperature every 30 s, a heartbeat every minute. */
export type Message =
  | { readonly kind: 'temp'; readonly sensor: string; readonly ts: number; readonly celsius: number }
  | { readonly kind: 'heartbeat'; readonly sensor: string; readonly ts: number };
export type Reading = Extract<Message, { kind: 'temp' }>;

/** What the job writes. */
export interface Overheat {
  readonly sensor: string;
  readonly readings: readonly number[];
  readonly risingFrom: number;
  /** The end of the window in which no heartbeat came. */
  readonly silentUntil: number;
}

export const SILENT_WITHIN_MS = 3 * 60_000;
export const OUT_OF_ORDERNESS_MS = 10_000;

const isTemp = (m: Message): m is Reading => m.kind === 'temp';
/**
 * The last reading a stage took. As in Flink, a negation's condition can be evaluated on the event
 * that is being taken into the stage before it, with the partial match as it was before that
 * event: a stage may still be empty, so iterative conditions must allow for it.
 */
const last = (xs: readonly Reading[]): number => (xs.length === 0 ? Number.NEGATIVE_INFINITY : xs[xs.length - 1].celsius);

/** Three consecutive rising readings, then no heartbeat within three minutes of the first. */
export const OVERHEAT = Pattern.of<Message>()
  .begin('first').where(isTemp)
  .notFollowedBy('drop1').where((m, ctx) => isTemp(m) && m.celsius <= last(ctx.getEventsForPattern('first')))
  .followedBy('second').where(isTemp).where((m, ctx) => m.celsius > last(ctx.getEventsForPattern('first')))
  .notFollowedBy('drop2').where((m, ctx) => isTemp(m) && m.celsius <= last(ctx.getEventsForPattern('second')))
  .followedBy('third').where(isTemp).where((m, ctx) => m.celsius > last(ctx.getEventsForPattern('second')))
  .notFollowedBy('heartbeat').where((m) => m.kind === 'heartbeat')
  .within(SILENT_WITHIN_MS);

export interface IotOverheatPaths {
  readonly messages: string;
  readonly alerts: string;
}

/**
 * Builds the job on `env`.
 *
 * @example
 * iotOverheat(env, { messages: 'messages.jsonl', alerts: 'out/overheat.jsonl' });
 */
export function iotOverheat(env: StreamEnvironment, paths: IotOverheatPaths): { alerts: DataStream<Overheat> } {
  const messages = env.fromSource(
    sources.jsonl<Message>(paths.messages),
    WatermarkStrategy.forBoundedOutOfOrderness<Message>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((m) => m.ts),
    'messages',
  );
  const alerts = CEP.pattern(messages.keyBy((m) => m.sensor), OVERHEAT, { skip: AfterMatchSkipStrategy.skipPastLastEvent() })
    .select((m): Overheat => ({
      sensor: m.first[0].sensor,
      readings: [m.first[0].celsius, m.second[0].celsius, m.third[0].celsius],
      risingFrom: m.first[0].ts,
      silentUntil: m.first[0].ts + SILENT_WITHIN_MS,
    }))
    .name('overheat')
    .uid('overheat');
  alerts.sinkTo(sinks.jsonl(paths.alerts)).name('overheat-file');
  return { alerts };
}
