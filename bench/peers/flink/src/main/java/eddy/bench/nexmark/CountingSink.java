package eddy.bench.nexmark;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

/** Counts results and keeps nothing, as the Eddy side's sink; marks the end of the job's CPU time. */
public final class CountingSink<T> extends RichSinkFunction<T> implements CheckpointListener {
  private final LongCounter results = new LongCounter();

  @Override
  public void open(Configuration parameters) {
    getRuntimeContext().addAccumulator("results", results);
  }

  @Override
  public void invoke(T value, Context context) {
    results.add(1L);
  }

  @Override
  public void finish() {
    Cpu.markEnd();
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    Cpu.checkpoints.incrementAndGet();
  }
}
