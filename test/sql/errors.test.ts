/**
 * Every error a user can meet for SQL Eddy does not run: what is unsupported or wrong, the line and
 * column of the offending text, and the nearest supported form. None of these runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqlError, StreamEnvironment, StreamTableEnvironment } from 'eddy';

async function tableEnv(): Promise<StreamTableEnvironment> {
  const tEnv = StreamTableEnvironment.create(StreamEnvironment.create());
  await tEnv.executeSql(`CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, \`dateTime\` TIMESTAMP(3),
    WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '4' SECOND) WITH ('connector' = 'jsonl', 'path' = 'bid.jsonl')`);
  await tEnv.executeSql("CREATE TABLE plain (a BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'jsonl', 'path' = 'plain.jsonl')");
  return tEnv;
}

interface Case {
  readonly sql: string;
  readonly message: RegExp;
  readonly at: [number, number];
  readonly hint?: RegExp;
  /** executeSql instead of sqlQuery. */
  readonly statement?: boolean;
}

const CASES: Record<string, Case> = {
  'a join': { sql: 'SELECT * FROM bid B JOIN plain P ON B.auction = P.a', message: /INNER JOIN is not supported yet/, at: [1, 21], hint: /intervalJoin/ },
  'tables separated by commas': { sql: 'SELECT * FROM bid, plain', message: /a join \(tables separated by commas\) is not supported yet/, at: [1, 18] },
  'GROUP BY without a window': { sql: 'SELECT auction, COUNT(*) FROM bid\nGROUP BY auction', message: /aggregation without a window \(an updating result\) is not supported yet/, at: [2, 10], hint: /TUMBLE/ },
  'an aggregate without GROUP BY': { sql: 'SELECT MAX(price) FROM bid', message: /aggregation without a window/, at: [1, 8] },
  'SESSION windows': { sql: "SELECT COUNT(*) FROM TABLE(SESSION(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", message: /the SESSION window table function is not supported yet/, at: [1, 28], hint: /TUMBLE, HOP or CUMULATE/ },
  'a CUMULATE size that is not a multiple of its step': { sql: "SELECT COUNT(*) FROM TABLE(CUMULATE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '3' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end", message: /CUMULATE with a size that is not a multiple of the step is not supported yet/, at: [1, 93] },
  'a window without GROUP BY': { sql: "SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))", message: /a window table function without GROUP BY is not supported yet/, at: [1, 21], hint: /GROUP BY window_start, window_end/ },
  'GROUP BY one window bound': { sql: "SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY window_start", message: /must GROUP BY both window_start and window_end/, at: [1, 102] },
  'a column neither grouped nor aggregated': { sql: "SELECT bidder, COUNT(*) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end", message: /column 'bidder' is neither in GROUP BY nor inside an aggregate/, at: [1, 8] },
  'a window over a column without a watermark': { sql: "SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE plain, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", message: /'ts' is not an event-time attribute/, at: [1, 48], hint: /WATERMARK FOR ts AS ts - INTERVAL/ },
  'window columns in WHERE': { sql: "SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) WHERE window_start > TIMESTAMP '2024-01-01 00:00:00' GROUP BY window_start, window_end", message: /window_start in WHERE is not supported yet/, at: [1, 99], hint: /HAVING/ },
  'OVER aggregation': { sql: 'SELECT AVG(price) OVER (PARTITION BY auction ORDER BY `dateTime`) FROM bid', message: /AVG\(\.\.\.\) OVER \(\.\.\.\) is not supported yet/, at: [1, 8] },
  'ORDER BY': { sql: 'SELECT * FROM bid ORDER BY price', message: /ORDER BY is not supported yet/, at: [1, 28] },
  'SELECT DISTINCT': { sql: 'SELECT DISTINCT auction FROM bid', message: /SELECT DISTINCT is not supported yet/, at: [1, 1] },
  'processing time': { sql: 'SELECT auction, PROCTIME() FROM bid', message: /PROCTIME\(\) \(processing time or the current time\) is not supported yet/, at: [1, 17], hint: /event time/ },
  'a temporal join': { sql: 'SELECT * FROM bid FOR SYSTEM_TIME AS OF `dateTime`', message: /FOR SYSTEM_TIME AS OF \(temporal joins\) is not supported yet/, at: [1, 41] },
  'UNION without ALL': { sql: 'SELECT auction FROM bid UNION SELECT a FROM plain', message: /UNION is not supported yet/, at: [1, 25], hint: /UNION ALL/ },
  'a subquery in IN': { sql: 'SELECT * FROM bid WHERE auction IN (SELECT a FROM plain)', message: /IN \(subquery\) is not supported yet/, at: [1, 33] },
  'SUM(DISTINCT)': { sql: "SELECT SUM(DISTINCT price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", message: /SUM\(DISTINCT \.\.\.\) is not supported yet/, at: [1, 8], hint: /COUNT\(DISTINCT/ },
  'SELECT * in an aggregation': { sql: "SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", message: /SELECT \* in an aggregation is not supported yet/, at: [1, 8] },
  'CAST to VARCHAR(n)': { sql: 'SELECT CAST(channel AS VARCHAR(3)) FROM bid', message: /CAST to VARCHAR\(3\) is not supported yet/, at: [1, 24], hint: /SUBSTRING/ },
  'a name in the wrong case': { sql: 'SELECT datetime FROM bid', message: /column 'datetime' not found/, at: [1, 8], hint: /did you mean `dateTime`/ },
  'an unknown table': { sql: 'SELECT * FROM bids', message: /no table or view named 'bids'/, at: [1, 15] },
  'an unknown connector': { sql: "CREATE TABLE k (a INT) WITH ('connector' = 'kafka', 'topic' = 't')", message: /the connector 'kafka' is not supported yet/, at: [1, 30], hint: /jsonl, csv, nexmark, datagen, print, blackhole/, statement: true },
  'an unknown option': { sql: "CREATE TABLE f (a INT) WITH ('connector' = 'jsonl', 'path' = 'x', 'format' = 'json')", message: /the jsonl connector has no option 'format'/, at: [1, 67], hint: /its options are path/, statement: true },
  'a watermark Eddy cannot run': { sql: "CREATE TABLE w (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND * 2) WITH ('connector' = 'jsonl', 'path' = 'x')", message: /this watermark expression is not supported yet/, at: [1, 57], hint: /AS ts - INTERVAL 'n' SECOND/, statement: true },
  'metadata columns': { sql: "CREATE TABLE m (a INT, t TIMESTAMP(3) METADATA FROM 'timestamp') WITH ('connector' = 'jsonl', 'path' = 'x')", message: /metadata columns is not supported yet/, at: [1, 24], statement: true },
  'CREATE FUNCTION with a Java class': { sql: "CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'", message: /CREATE FUNCTION \.\.\. AS 'com\.github\.nexmark\.flink\.udf\.CountChar' is not supported yet/, at: [1, 1], hint: /createTemporarySystemFunction/, statement: true },
  'SELECT through executeSql': { sql: 'SELECT * FROM bid', message: /a SELECT through executeSql is not supported yet/, at: [1, 1], hint: /toDataStream/, statement: true },
  'INSERT of the wrong type': { sql: 'INSERT INTO plain SELECT channel, `dateTime` FROM bid', message: /column 1 of the query \(channel\) is STRING, the table's column a is BIGINT/, at: [1, 19], hint: /CAST/, statement: true },
  'a MONTH interval': { sql: "SELECT `dateTime` + INTERVAL '1' MONTH FROM bid", message: /an INTERVAL of MONTHS is not supported yet/, at: [1, 21] },
  'the DATE type': { sql: "CREATE TABLE d (day DATE) WITH ('connector' = 'jsonl', 'path' = 'x')", message: /the type DATE is not supported yet/, at: [1, 21], hint: /TIMESTAMP\(3\)/, statement: true },
  'a hint': { sql: "SELECT * FROM bid /*+ OPTIONS('path' = 'other.jsonl') */", message: /hints \(\/\*\+ \.\.\. \*\/\) are not supported yet/, at: [1, 19] },
};

for (const [name, c] of Object.entries(CASES)) {
  test(`sql error: ${name}`, async () => {
    const tEnv = await tableEnv();
    let error: unknown = null;
    try {
      if (c.statement) await tEnv.executeSql(c.sql);
      else tEnv.sqlQuery(c.sql);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof SqlError, `expected an SqlError, got ${String(error)}`);
    assert.match(error.message, c.message);
    assert.deepEqual([error.line, error.column], c.at, error.message);
    assert.match(error.message, new RegExp(`at line ${c.at[0]}, column ${c.at[1]}`));
    if (c.hint) assert.match(error.hint ?? '', c.hint);
  });
}
