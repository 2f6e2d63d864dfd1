package eddy.bench.cep;

/** The event of the CEP parity runs and benchmark (a Flink POJO): id, kind, timestamp, key, value. */
public class CepEvent {
  public String id;
  public String kind;
  public long ts;
  public String key;
  public int value;

  public CepEvent() {}

  public CepEvent(String id, String kind, long ts, String key, int value) {
    this.id = id;
    this.kind = kind;
    this.ts = ts;
    this.key = key;
    this.value = value;
  }
}
