import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { registryPathArgument } from '../options.ts';

/** `portolan mcp [PATH]`: the registry's tools and resources for an MCP client, over stdio. */
export function registerMcp(program: Command, context: CommandContext): void {
  const command = program
    .command('mcp')
    .summary('serve the registry to an MCP client over stdio')
    .description(
      'Serve the registry to an MCP client (an editor, a local agent) on stdin and stdout: the tools check, who, free, ports, explain_rule, and allocate, release and move (dry runs unless confirm: true), and the registry, the port document and the findings as resources.',
    )
    .option('--repo <dir>', "a GitOps repository: the check tool then runs the drift rules too")
    .option('--commit', 'commit each confirmed change with git');
  registryPathArgument(command)
    .addHelpText('after', '\nExamples:\n  $ portolan mcp\n  $ portolan mcp examples/homelab --commit')
    .action(async (path: string | undefined, flags: { repo?: string; commit?: boolean }) => {
      const file = context.registryFile(path);
      context.registry(path);
      const { serveMcpStdio } = await import('../../server/mcp.ts');
      await serveMcpStdio({ file, cwd: context.io.cwd, ...(flags.repo !== undefined ? { repo: flags.repo } : {}), commit: flags.commit === true });
    });
}
