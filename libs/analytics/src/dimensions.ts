// The dashboard's survey dimensions (touchpoint, channel, product) as SQL over each source it reads.

export type DimensionColumns = Record<'touchpoint' | 'channel' | 'product', string>;
export const RESPONSE_COLUMNS: DimensionColumns = {
  touchpoint: 'r.touchpoint',
  channel: 'r.channel',
  product: 'r.product',
};
export const ROLLUP_COLUMNS: DimensionColumns = {
  touchpoint: 'm.touchpoint',
  channel: 'm.channel',
  product: 'm.product',
};
// A complaint's touchpoint and product are its own (every channel has them) or its survey's; the survey
// channel only a complaint found on a callback has.
export const COMPLAINT_COLUMNS: DimensionColumns = {
  touchpoint: 'coalesce(c.touchpoint, r.touchpoint)',
  channel: 'r.channel',
  product: 'coalesce(c.product, r.product)',
};

/** The filter's touchpoint, channel and product as conditions on these columns, values added to `params`. */
export function dimensionConditions(
  filters: Partial<Record<'touchpoint' | 'channel' | 'product', string>>,
  params: unknown[],
  columns: DimensionColumns,
): string[] {
  return (['touchpoint', 'channel', 'product'] as const)
    .filter((key) => filters[key])
    .map((key) => `${columns[key]} = $${params.push(filters[key])}`);
}

/** A complaint with the answer it was found on, if any (for its survey channel, touchpoint and product). */
export const COMPLAINTS_FROM = `complaint c LEFT JOIN callback_task t ON t.id = c.task_id LEFT JOIN response r ON r.id = t.response_id`;
