import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, FLAGS } from '../../server/cli/flags.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README stays true to the CLI', () => {
  it('has a configuration row for every flag, with its env var and default', () => {
    for (const flag of FLAGS.filter((f) => f.name !== 'help')) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`--${flag.name}`));
      expect(row, `--${flag.name}`).toBeDefined();
      if (flag.env) expect(row, `--${flag.name}`).toContain(`\`${flag.env}\``);
      if (flag.defaultValue !== undefined && flag.defaultValue !== '') expect(row, `--${flag.name}`).toContain(`\`${flag.defaultValue}\``);
      for (const command of flag.commands) expect(row, `--${flag.name}`).toContain(command);
    }
  });

  it('lists every command, and shows the two set-up commands', () => {
    for (const command of Object.keys(COMMANDS).filter((name) => !['start', 'help'].includes(name))) expect(readme).toContain(`miahook ${command}`);
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
