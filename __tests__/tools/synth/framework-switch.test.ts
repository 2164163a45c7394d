import { frameworkOf, switchFramework } from '../../../tools/synth/framework-switch';

const today = {
  name: 'x',
  dependencies: { cdktf: '0.21.0', constructs: '10.7.0' },
  devDependencies: { 'cdktf-cli': '0.21.0', jest: '29.7.0' },
};

describe('the framework switch', () => {
  it('reads which framework a package.json installs', () => {
    expect(frameworkOf(today)).toBe('cdktf');
    expect(
      frameworkOf({
        dependencies: { cdktf: '0.20.0' },
        devDependencies: { 'cdktf-cli': '0.21.0' },
      }),
    ).toBeUndefined();
  });

  it('points cdktf and cdktf-cli at CDK Terrain under the same names, and back', () => {
    const moved = switchFramework(today, 'cdktn');
    expect(moved).toEqual({
      name: 'x',
      dependencies: { cdktf: 'npm:cdktn@0.24.0', constructs: '10.7.0' },
      devDependencies: { 'cdktf-cli': 'npm:cdktn-cli@0.24.0', jest: '29.7.0' },
    });
    expect(frameworkOf(moved)).toBe('cdktn');
    expect(switchFramework(moved, 'cdktf')).toEqual(today);
  });

  it('refuses a package.json without the dependencies it switches', () => {
    expect(() => switchFramework({ dependencies: {} }, 'cdktn')).toThrow(/has no cdktf dependency/);
  });

  it('matches the package.json of this project', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(frameworkOf(require('../../../package.json'))).toBe('cdktf');
  });
});
