import type { Command } from 'commander';
import { registryJsonSchema } from '../../engine/registry.ts';
import type { CommandContext } from '../context.ts';

/** `portolan schema`: the registry's JSON Schema, for editors and CI. */
export function registerSchema(program: Command, context: CommandContext): void {
  program
    .command('schema')
    .summary("print the registry's JSON Schema")
    .description('Print the JSON Schema of portolan.yaml. Editors with the YAML language server use it through the comment\n`# yaml-language-server: $schema=PATH` at the top of the file.')
    .addHelpText('after', '\nExample:\n  $ portolan schema > portolan.schema.json')
    .action(() => {
      context.io.stdout(`${JSON.stringify(registryJsonSchema(), null, 2)}\n`);
    });
}
