/** Reading `/metrics` in tests: one scrape, one sample of its text. */

/** `GET <url>/metrics` with `authorization` (none if undefined). */
export async function scrape(url: string, authorization?: string): Promise<Response> {
  return fetch(`${url}/metrics`, { headers: authorization === undefined ? {} : { authorization } });
}

/** The value of one sample (`name{labels}` exactly as exposed), or undefined when it is absent. */
export function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Several samples of one scrape, by series, for one `deepEqual` against what they should be. */
export function samples(body: string, series: readonly string[]): Record<string, number | undefined> {
  return Object.fromEntries(series.map((name) => [name, sample(body, name)]));
}
