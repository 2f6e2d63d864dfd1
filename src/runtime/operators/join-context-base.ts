import type { JoinContext } from '../../functions/join-type.ts';
import type { OutputTag } from '../../functions/output-tag.ts';
import type { Output } from '../operator.ts';

/**
 * What every two-input join operator hands its join function as the JoinContext: the timestamps
 * of the pair in hand (NaN for a missing side of an outer join) and the output time, which the
 * operator sets before each call, and side outputs at that time. The join operators extend it,
 * so that the context lives in one place and costs no object per call.
 *
 * @example
 * class MyJoin extends JoinContextBase { ... this.lt = l.t; this.rt = r.t; this.time = Math.max(l.t, r.t); fn(l.v, r.v, this, out); }
 */
export abstract class JoinContextBase implements JoinContext {
  protected out!: Output<unknown>;
  protected time = 0;
  protected lt = Number.NaN;
  protected rt = Number.NaN;

  leftTimestamp(): number {
    return this.lt;
  }
  rightTimestamp(): number {
    return this.rt;
  }
  timestamp(): number {
    return this.time;
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.out.emitSide(tag, value, this.time);
  }
}
