/**
 * Reads a PKCS#12 password without echoing it: from CUSTOS_P12_PASSWORD (scripts, CI) or typed at
 * the terminal. The password is returned to the caller and never printed or logged.
 */
export const PASSWORD_ENV = 'CUSTOS_P12_PASSWORD';

export class PasswordUnavailableError extends Error {}

export async function readPassword(prompt: string, options: { confirm?: boolean } = {}): Promise<string> {
  const fromEnvironment = process.env[PASSWORD_ENV];
  if (fromEnvironment !== undefined) return fromEnvironment;
  if (!process.stdin.isTTY) {
    throw new PasswordUnavailableError(`A password is needed: run in a terminal to be asked for it, or set ${PASSWORD_ENV}.`);
  }
  const password = await promptHidden(prompt);
  if (options.confirm) {
    const again = await promptHidden('Repeat the password: ');
    if (again !== password) throw new PasswordUnavailableError('The two passwords differ.');
  }
  return password;
}

function promptHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new PasswordUnavailableError('Cancelled.'));
        if (char === '\u0004') return finish(typed === '' ? new PasswordUnavailableError('Cancelled.') : undefined);
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
