/** @module Asks a yes/no question on the terminal before something that cannot be undone; anything but yes (Ctrl-C, end of input) is no. */

/** Whether a person can be asked: stdin and stderr (where the question goes) are terminals. */
export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Writes `question` to stderr and reads one line from stdin: true only for `y` or `yes`. */
export async function askConfirmation(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<boolean>((resolve) => {
      // Ctrl-C at the prompt means no; without a listener readline would only pause the input.
      rl.on('SIGINT', () => {
        process.stderr.write('\n');
        resolve(false);
      });
      rl.on('close', () => resolve(false));
      rl.question(question, (answer) => resolve(/^\s*y(es)?\s*$/i.test(answer)));
    });
  } finally {
    rl.close();
  }
}
