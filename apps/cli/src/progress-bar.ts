/**
 * A progress bar on stderr: redrawn in place on a terminal, the last state only otherwise (a log
 * file gets one line, not thousands). `done` ends the line.
 */
export function progressBar(
  label: string,
  total: number,
  unit: string,
): (count: number, done?: boolean) => void {
  const started = Date.now();
  const width = 30;
  let drawn = 0;
  return (count, done = false) => {
    const now = Date.now();
    if (!done && (!process.stderr.isTTY || now - drawn < 100)) return;
    drawn = now;
    const seconds = (now - started) / 1000;
    const rate = count / Math.max(seconds, 0.001);
    const eta = rate > 0 ? Math.max(0, (total - count) / rate) : 0;
    const filled = total ? Math.min(width, Math.round((count / total) * width)) : width;
    process.stderr.write(
      `${process.stderr.isTTY ? '\r' : ''}${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}, ${Math.round(rate).toLocaleString('en-US')} ${unit}/s${done ? '' : `, ETA ${eta.toFixed(0)} s`} ${done ? '\n' : ''}`,
    );
  };
}
