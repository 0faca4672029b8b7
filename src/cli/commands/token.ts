import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { displayPath } from '../../engine/registry.ts';
import { addToken, TOKEN_SCOPES, type TokenScope } from '../../engine/tokens.ts';
import type { CommandContext } from '../context.ts';
import { escapeControls } from '../../core/escape.ts';

/** The tokens file `serve` and `token` use: --tokens, else portolan-tokens.json beside the registry. */
export function tokensFileOf(context: CommandContext, tokens: string | undefined, path?: string): string {
  if (tokens !== undefined) return resolve(context.io.cwd, tokens);
  return join(dirname(context.registryFile(path)), TOKENS_FILE);
}

/** The tokens file's name beside the registry. */
export const TOKENS_FILE = 'portolan-tokens.json';

/** `portolan token add NAME --scope read|write`: a token for the API and /mcp, printed once and stored hashed. */
export function registerToken(program: Command, context: CommandContext): void {
  const token = program.command('token').summary('add tokens for `portolan serve`').description('Manage the tokens that `portolan serve` accepts. A token is printed once; the file keeps only its SHA-256.');
  token
    .command('add')
    .summary('add a token and print it once')
    .description(`Add a token named NAME with the scope read (answers only) or write (may change the registry), print it once, and keep only its SHA-256 in the tokens file (--tokens, else ${TOKENS_FILE} beside the registry). Keep the file out of git.`)
    .argument('<name>', 'who the token is for, such as agent-bruno or ci')
    .addOption(new Option('--scope <scope>', 'what the token may do').choices(TOKEN_SCOPES).makeOptionMandatory())
    .option('--tokens <file>', `the tokens file (default: ${TOKENS_FILE} beside the registry)`)
    .addHelpText('after', '\nExamples:\n  $ portolan token add ci --scope write\n  $ portolan token add grafana --scope read --tokens /etc/portolan/tokens.json')
    .action((name: string, options: { scope: TokenScope; tokens?: string }) => {
      const file = tokensFileOf(context, options.tokens);
      const { token: secret } = addToken(file, { name, scope: options.scope, shown: displayPath(file, context.io.cwd) });
      context.io.stderr(escapeControls(`added ${options.scope} token ${name} to ${displayPath(file, context.io.cwd)}; it is shown only this once:\n`));
      context.io.stdout(`${secret}\n`);
    });
}
