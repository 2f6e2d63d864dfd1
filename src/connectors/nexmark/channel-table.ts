import { SeededRandom } from './random.ts';

/**
 * The channels a bid can come from and their URLs. A bid names one of four hot channels half of
 * the time and one of numChannels others otherwise (q14 and q22 group by them). The URLs are random
 * but fixed: entry i is a function of i alone, so filling the table lazily never makes the
 * stream depend on the order in which bids ask for entries.
 */

const HOT_CHANNELS: readonly string[] = Object.freeze(['Google', 'Facebook', 'Baidu', 'Apple']);
// Seed streams, apart from the event stream (0) and the text pools.
const HOT_URL_STREAM = 0x407;
const CHANNEL_URL_STREAM = 0xc4a2;

const tables = new Map<number, ChannelTable>();
let lastTable: ChannelTable | undefined;

/** A word of 3 or 4 characters, each '_' with probability 1/13 or a letter (reference nextString). */
function urlWord(rng: SeededRandom): string {
  let word = '';
  for (let n = 3 + rng.nextInt(2); n > 0; n--) {
    word += rng.nextInt(13) === 0 ? '_' : String.fromCharCode(97 + rng.nextInt(26));
  }
  return word;
}

function baseUrl(rng: SeededRandom): string {
  return `https://www.nexmark.com/${urlWord(rng)}/${urlWord(rng)}/${urlWord(rng)}/item.htm?query=1`;
}

/** Java's Math.abs(Integer.reverse(i)): the reference's channel_id, kept to match its URLs' form. */
function channelId(i: number): number {
  let x = i | 0;
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  x = ((x >>> 16) | (x << 16)) | 0;
  // Java's abs leaves the minimum int negative (channel 1 gets -2147483648); so do we.
  return x === -0x80000000 ? x : Math.abs(x);
}

/**
 * The channels and URLs for one number of channels. Hot entries are built up front; the others on
 * first use, so a short test run does not pay for 10,000 URLs it never shows.
 *
 * @example
 * const table = channelTable(10_000);
 * table.name(7); // 'channel-7'
 * table.url(7);  // 'https://www.nexmark.com/.../item.htm?query=1&channel_id=...'
 */
export class ChannelTable {
  readonly hotNames: readonly string[] = HOT_CHANNELS;
  readonly hotUrls: readonly string[];
  private readonly names: string[];
  private readonly urls: string[];
  private readonly rng = new SeededRandom();

  constructor(readonly size: number) {
    this.hotUrls = HOT_CHANNELS.map((_, i) => {
      this.rng.seed(i, HOT_URL_STREAM);
      return baseUrl(this.rng);
    });
    this.names = new Array<string>(size);
    this.urls = new Array<string>(size);
  }

  /**
   * The name of channel `i` (0 <= i < size).
   *
   * @example
   * channelTable(10).name(3); // 'channel-3'
   */
  name(i: number): string {
    return this.names[i] ?? this.fill(i);
  }

  /**
   * The URL of channel `i` (0 <= i < size); nine in ten carry a channel_id parameter.
   *
   * @example
   * channelTable(10).url(3).startsWith('https://www.nexmark.com/'); // true
   */
  url(i: number): string {
    if (this.urls[i] === undefined) this.fill(i);
    return this.urls[i];
  }

  private fill(i: number): string {
    this.rng.seed(i, CHANNEL_URL_STREAM);
    const url = baseUrl(this.rng);
    this.urls[i] = this.rng.nextInt(10) > 0 ? `${url}&channel_id=${channelId(i)}` : url;
    return (this.names[i] = `channel-${i}`);
  }
}

/**
 * The table for `numChannels` channels, shared by every config with that many.
 *
 * @example
 * const channels = channelTable(config.numChannels);
 */
export function channelTable(numChannels: number): ChannelTable {
  if (lastTable !== undefined && lastTable.size === numChannels) return lastTable;
  let table = tables.get(numChannels);
  if (table === undefined) tables.set(numChannels, (table = new ChannelTable(numChannels)));
  return (lastTable = table);
}
