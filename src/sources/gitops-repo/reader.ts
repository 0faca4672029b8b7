import type { Location, SkippedValue } from '../../core/types.ts';
import type { YamlSource } from '../../yaml/yaml-source.ts';
import type { Found } from './found.ts';

/** How a folder without a kustomization is read: Flux and kustomize take subfolders, Argo CD only with `directory.recurse`. */
export type CollectMode = 'flux' | 'argo' | 'argo-recurse';

/** What the deployer modules (kustomize, Flux, Argo CD, helmfile, charts) ask of the repository scan. */
export interface RepoReader {
  /** Every YAML file of the repository (excluded folders left out), as POSIX paths. */
  readonly fileSet: ReadonlySet<string>;
  readonly folders: ReadonlySet<string>;
  /** What a file or folder deploys, following what it refers to; `ancestors` stops loops. */
  collect(path: string, mode: CollectMode, ancestors: readonly string[]): Found;
  /** A single-document YAML file, read once; problems are recorded. */
  yamlFile(file: string): YamlSource | undefined;
  /** Every document of a YAML file, read once. */
  yamlDocuments(file: string): YamlSource[] | undefined;
  /** A file's text, or undefined when it cannot be read. */
  readText(file: string): string | undefined;
  /** Marks a file as deployed (it is not listed as left over). */
  reach(file: string): void;
  /** Records a file that cannot be used, at its place. */
  problem(message: string, at: Location): void;
  /** Records a value that looked like a port but is not one until rendered. */
  skip(value: SkippedValue): void;
  /** True for a folder that holds a Helm chart (a Chart.yaml). */
  isChart(folder: string): boolean;
  /** A repository path as shown to people. */
  show(file: string): string;
}
