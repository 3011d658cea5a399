import { Option } from 'commander';

/** `--config <file>`, shared by every command that needs the configuration. */
export function configOption(): Option {
  return new Option('-c, --config <file>', 'YAML configuration file (default: $CROSSDOCK_CONFIG, else built-in defaults)');
}
