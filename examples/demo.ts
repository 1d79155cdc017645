/**
 * `npm start`: the Python walkthrough our users know, `Pool(3).map(hello, friends)`, in TypeScript.
 * Run with --quick to make each slow hello sleep 0.3 s instead of 3 s.
 */
const quick = process.argv.includes('--quick');
process.env.MULTICORE_DEMO_SLEEP ??= quick ? '0.3' : '3';

const { Pool } = await import('multicore');
const { hello, slowHello } = await import('./tasks.js');

const tty = process.stdout.isTTY === true;
const style = (code: string, text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const say = (code: string, comment = '') => console.log(`${style('1', `>>> ${code}`)}${comment ? `    ${style('2', `// ${comment}`)}` : ''}`);
const show = (value: unknown) => console.log(value);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

say("const friends = ['computer', 'thesis', 'mom']");
const friends = ['computer', 'thesis', 'mom'];

say('friends.map(hello)', 'one core, one friend after another');
show(friends.map(hello));

say('await using pool = new Pool(3)', 'three workers, each a thread');
{
  await using pool = new Pool(3);

  say('await pool.map(hello, friends)', 'same results, computed in the workers');
  show(await pool.map(hello, friends));

  const sleep = process.env.MULTICORE_DEMO_SLEEP;
  console.log(`\nNow each hello sleeps ${sleep} s first, like time.sleep() in the Python version.\n`);

  say('friends.map(slowHello)', 'serial');
  let started = performance.now();
  show(friends.map(slowHello));
  const serialMs = performance.now() - started;
  console.log(`took ${seconds(serialMs)}`);

  say('await pool.map(slowHello, friends)', 'parallel');
  started = performance.now();
  show(await pool.map(slowHello, friends));
  const parallelMs = performance.now() - started;
  console.log(`took ${seconds(parallelMs)}: ${(serialMs / parallelMs).toFixed(2)}× faster with 3 workers`);
}
console.log('\nThe pool closed at the end of its block; every worker has exited.');
