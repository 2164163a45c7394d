// ES module hook of the unit tests (registered by light-runner-setup.cjs): a `.ts` file
// that jest-light-runner imports loads as CommonJS, through the require hook that compiles
// it. Node 20 takes a `commonjs` result without source to mean "load it with require".
export async function load(url, context, nextLoad) {
  if (/^file:.*\.ts(\?|$)/.test(url)) {
    return { format: 'commonjs', shortCircuit: true };
  }
  return nextLoad(url, context);
}
