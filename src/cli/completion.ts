import type { Command, Option } from 'commander';

/** The shells `portolan completion` writes a script for. */
export const SHELLS = ['bash', 'fish', 'zsh'] as const;

/** One shell's name. */
export type Shell = (typeof SHELLS)[number];

/** An option as completion sees it: its flags, what it is for, and the values it takes. */
interface CompletedOption {
  long?: string;
  short?: string;
  description: string;
  /** Whether it takes a value. */
  value: boolean;
  /** The values it accepts, when there is a fixed list. */
  choices: string[];
}

/** A command as completion sees it. */
interface CompletedCommand {
  name: string;
  summary: string;
  options: CompletedOption[];
  /** Whether a positional argument is a file or folder (PATH, DIR, DOCUMENT). */
  files: boolean;
}

/** What the program offers, read from its command definitions so the scripts never drift from them. */
function describe(program: Command): { globals: CompletedOption[]; commands: CompletedCommand[] } {
  const optionOf = (option: Option): CompletedOption => ({
    ...(option.long ? { long: option.long } : {}),
    ...(option.short ? { short: option.short } : {}),
    description: option.description,
    value: option.required || option.optional,
    choices: option.argChoices ?? [],
  });
  const help: CompletedOption = { long: '--help', short: '-h', description: 'display help', value: false, choices: [] };
  return {
    globals: [...program.options.map(optionOf), help],
    commands: program.commands.map((command) => ({
      name: command.name(),
      summary: command.summary() || command.description(),
      options: [...command.options.map(optionOf), help],
      files: command.registeredArguments.some((argument) => ['path', 'dir', 'document'].includes(argument.name())),
    })),
  };
}

/** The completion script for `shell`, made from the program's own commands and options. */
export function completionScript(shell: Shell, program: Command): string {
  const spec = describe(program);
  if (shell === 'bash') return bashScript(spec);
  if (shell === 'zsh') return zshScript(spec);
  return fishScript(spec);
}

type Spec = ReturnType<typeof describe>;

const flagsOf = (options: readonly CompletedOption[]) => options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));

function bashScript({ globals, commands }: Spec): string {
  const valueCases = commands.flatMap((command) =>
    command.options
      .filter((o) => o.choices.length > 0)
      .map((o) => `    ${command.name}:${[o.long, o.short].filter(Boolean).join(`|${command.name}:`)}) COMPREPLY=($(compgen -W "${o.choices.join(' ')}" -- "$cur")); return ;;`),
  );
  const takesValue = [...new Set([...globals, ...commands.flatMap((c) => c.options)].filter((o) => o.value && o.choices.length === 0).flatMap((o) => flagsOf([o])))];
  return `# portolan completion for bash: \`source <(portolan completion bash)\` in ~/.bashrc,
# or \`portolan completion bash > /etc/bash_completion.d/portolan\`.
_portolan() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${takesValue.join('|')}) ((i++)) ;;
      -*) ;;
      *) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$command:$prev" in
${valueCases.join('\n')}
  esac
  case "$prev" in
    ${takesValue.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  local words
  case "$command" in
    "") words="${[...commands.map((c) => c.name), ...flagsOf(globals)].join(' ')}" ;;
${commands.map((c) => `    ${c.name}) words="${flagsOf(c.options).join(' ')}" ;;`).join('\n')}
  esac
  if [[ -z "$command" || "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _portolan portolan
`;
}

/** Text inside a zsh `[...]` description or a single-quoted word. */
const zshText = (text: string) => text.replace(/[[\]:]/g, ' ').replace(/'/g, "'\\''");

function zshOption(option: CompletedOption): string[] {
  const value = option.value ? (option.choices.length ? `:value:(${option.choices.join(' ')})` : ':value:_files') : '';
  return [option.long, option.short].filter((f): f is string => f !== undefined).map((flag) => `'${flag}[${zshText(option.description)}]${value}'`);
}

function zshScript({ globals, commands }: Spec): string {
  return `#compdef portolan
# portolan completion for zsh: \`portolan completion zsh > "\${fpath[1]}/_portolan"\`,
# or \`source <(portolan completion zsh)\` after compinit.
_portolan() {
  local -a commands
  commands=(
${commands.map((c) => `    '${c.name}:${zshText(c.summary)}'`).join('\n')}
  )
  local line state
  _arguments -C \\
${globals.flatMap(zshOption).map((o) => `    ${o} \\`).join('\n')}
    '1:command:->command' \\
    '*::argument:->argument'
  case $state in
    command) _describe 'command' commands ;;
    argument)
      case $line[1] in
${commands.map((c) => `        ${c.name}) _arguments ${[...c.options.flatMap(zshOption), c.files ? "'*:file:_files'" : "'*: :'"].join(' ')} ;;`).join('\n')}
      esac
      ;;
  esac
}
if [[ $funcstack[1] == _portolan ]]; then _portolan "$@"; else compdef _portolan portolan; fi
`;
}

/** Text inside a fish single-quoted word. */
const fishText = (text: string) => text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

function fishOption(condition: string, option: CompletedOption): string {
  const flags = [option.long ? `-l ${option.long.slice(2)}` : '', option.short ? `-s ${option.short.slice(1)}` : ''].filter(Boolean).join(' ');
  const value = option.choices.length ? ` -x -a '${option.choices.join(' ')}'` : option.value ? ' -r' : '';
  return `complete -c portolan -n '${condition}' ${flags}${value} -d '${fishText(option.description)}'`;
}

function fishScript({ globals, commands }: Spec): string {
  const names = commands.map((c) => c.name).join(' ');
  return `# portolan completion for fish: \`portolan completion fish > ~/.config/fish/completions/portolan.fish\`.
complete -c portolan -f
${commands.map((c) => `complete -c portolan -n '__fish_use_subcommand' -a ${c.name} -d '${fishText(c.summary)}'`).join('\n')}
${globals.map((o) => fishOption('__fish_use_subcommand', o)).join('\n')}
${commands
  .flatMap((c) => [
    ...c.options.map((o) => fishOption(`__fish_seen_subcommand_from ${c.name}`, o)),
    ...(c.files ? [`complete -c portolan -n '__fish_seen_subcommand_from ${c.name}' -F`] : []),
  ])
  .join('\n')}
# Commands: ${names}
`;
}
