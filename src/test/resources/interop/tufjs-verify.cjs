// Independent client check: tuf-js 5.x (theupdateframework/tuf-js) refreshes a repository written
// by `airlock repo` and downloads every target, reading files through a fetcher (no HTTP server).
// Usage: node tufjs-verify.cjs REPO_DIR TRUSTED_ROOT.json WORK_DIR
// Prints one JSON line: {"root":N,"timestamp":N,"snapshot":N,"targets":N,"files":{"path":"sha256"}}
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { Updater } = require('tuf-js');
const { DownloadHTTPError, DownloadLengthMismatchError } = require('tuf-js/dist/error');

const [repo, trustedRoot, work] = process.argv.slice(2);
const metadataBaseUrl = 'file://' + path.resolve(repo, 'metadata');
const targetBaseUrl = 'file://' + path.resolve(repo, 'targets');

function readUrl(url, maxLength) {
  if (!url.startsWith('file://')) throw new Error('not a file URL: ' + url);
  const file = decodeURIComponent(url.substring('file://'.length));
  if (!fs.existsSync(file)) throw new DownloadHTTPError('not found: ' + file, 404);
  const bytes = fs.readFileSync(file);
  if (bytes.length > maxLength) throw new DownloadLengthMismatchError('exceeds ' + maxLength + ': ' + file);
  return bytes;
}

const fetcher = {
  async downloadBytes(url, maxLength) {
    return readUrl(url, maxLength);
  },
  async downloadFile(url, maxLength, handler) {
    const bytes = readUrl(url, maxLength);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tufjs-'));
    const tmp = path.join(dir, 'download');
    fs.writeFileSync(tmp, bytes);
    try {
      return await handler(tmp);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

(async () => {
  const metadataDir = path.join(work, 'metadata');
  const targetDir = path.join(work, 'targets');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  fs.copyFileSync(trustedRoot, path.join(metadataDir, 'root.json'));
  const updater = new Updater({ metadataDir, metadataBaseUrl, targetDir, targetBaseUrl, fetcher });
  await updater.refresh();
  const ts = updater.trustedSet;
  const files = {};
  for (const name of Object.keys(ts.targets.signed.targets).sort()) {
    const info = await updater.getTargetInfo(name);
    const out = path.join(targetDir, name.replace(/\//g, '__'));
    await updater.downloadTarget(info, out);
    files[name] = crypto.createHash('sha256').update(fs.readFileSync(out)).digest('hex');
  }
  console.log(JSON.stringify({
    root: ts.root.signed.version, timestamp: ts.timestamp.signed.version,
    snapshot: ts.snapshot.signed.version, targets: ts.targets.signed.version, files,
  }));
})().catch((e) => {
  console.error((e && e.constructor ? e.constructor.name + ': ' : '') + (e && e.message ? e.message : e));
  process.exit(1);
});
