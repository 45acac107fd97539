/**
 * CPython's `repr(float)`: the shortest digits that round-trip (JS computes the same digits),
 * laid out the way Python does: exponent notation when the decimal exponent is < -4 or >= 16,
 * at least two exponent digits with an explicit sign, and a trailing ".0" on integral values.
 */
export function pythonFloatRepr(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() with no argument yields the shortest round-trip digits, e.g. "1.2345e-7".
  const sci = x.toExponential();
  const negative = sci.charCodeAt(0) === 0x2d;
  const ePos = sci.indexOf('e');
  const mantissa = sci.slice(negative ? 1 : 0, ePos);
  const exponent = Number(sci.slice(ePos + 1));
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.length > 1 ? '.' + digits.slice(1) : '';
    const expAbs = Math.abs(exponent);
    return `${sign}${digits[0]}${rest}e${exponent < 0 ? '-' : '+'}${expAbs < 10 ? '0' : ''}${expAbs}`;
  }
  const pointAt = exponent + 1; // digits before the decimal point
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}.0`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** How `json.dumps` writes a float (allow_nan=True): repr, with JavaScript-style names for the specials. */
export function pythonJsonFloat(x: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pythonFloatRepr(x);
}
