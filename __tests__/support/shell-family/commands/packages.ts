import { PluginProject } from '../../../../family-plugins/plugin';
import { Command, writeJson } from '../../../../project/command';
import { ShellLayerSource } from '../build';

/** `shell:packages`: the libraries each shell layer folder vendors. A command only this family has, registered by its plug-in. */
export const shellPackagesCommand: Command<PluginProject> = {
  usage: 'npm run cli -- shell:packages [--json]',
  help: 'Lists the libraries each layer folder with a Shellfile vendors, by name and version.',
  options: { json: { type: 'boolean', describe: 'print them as JSON on stdout' } },
  run(values, _positionals, { project, out }) {
    const layers = project
      .layerSources()
      .filter((source): source is ShellLayerSource => source.family === 'shell')
      .map((source) => ({ layer: source.name, libraries: source.libraries.map((library) => `${library.name} ${library.version}`) }));
    if (values['json']) writeJson(out, layers);
    else for (const layer of layers) out.write(`${layer.layer}: ${layer.libraries.join(', ') || '(none)'}\n`);
    return 0;
  },
};
