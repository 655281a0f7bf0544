// Uploads a file to Caseport with tus-js-client, the reference tus client,
// the way an integration would. Options come as JSON in TUS_TEST (see
// tusclient_test.go); one line of JSON with the outcome goes to stdout.
import fs from "node:fs";
import * as tus from "tus-js-client";

const opt = JSON.parse(process.env.TUS_TEST);
const size = fs.statSync(opt.file).size;

// upload sends the whole file (or, given uploadUrl, the rest of it) and
// resolves with its URL, the SHA-256 Caseport computed and the offset the
// server said it already had.
function upload(uploadUrl) {
  return new Promise((resolve, reject) => {
    let lastResponse = null;
    let resumedAt = 0;
    // Parallel parts need a source that can be sliced: a Buffer, whose
    // size tus-js-client knows; a stream is read in order and sized here.
    const source = opt.parallel ? fs.readFileSync(opt.file) : fs.createReadStream(opt.file);
    const u = new tus.Upload(source, {
      endpoint: opt.endpoint,
      uploadUrl,
      uploadSize: opt.parallel ? undefined : size,
      chunkSize: opt.chunkSize || Infinity,
      parallelUploads: opt.parallel || 1,
      retryDelays: [0, 200, 500],
      headers: { Authorization: "Bearer " + opt.token },
      metadata: { case: opt.caseNumber, filename: opt.name, filetype: "text/plain" },
      metadataForPartialUploads: { case: opt.caseNumber, filename: opt.name },
      onAfterResponse(req, res) {
        if (req.getMethod() === "HEAD") resumedAt = Number(res.getHeader("Upload-Offset"));
        lastResponse = res;
      },
      onError: reject,
      onSuccess() {
        resolve({ url: u.url, sha256: lastResponse && lastResponse.getHeader("Caseport-Sha256"), resumedAt });
      },
    });
    u.start();
  });
}

try {
  const out = { size };
  if (opt.mode === "resume") {
    // Stop after about a third, then resume from the upload's URL: only
    // the rest goes up the second time.
    let firstURL = null;
    await new Promise((resolve, reject) => {
      let aborted = false;
      const u = new tus.Upload(fs.createReadStream(opt.file), {
        endpoint: opt.endpoint,
        uploadSize: size,
        chunkSize: opt.chunkSize,
        headers: { Authorization: "Bearer " + opt.token },
        metadata: { case: opt.caseNumber, filename: opt.name },
        onProgress(sent) {
          if (!aborted && sent > size / 3) {
            aborted = true;
            firstURL = u.url;
            u.abort(false).then(resolve, reject);
          }
        },
        onError: reject,
        onSuccess: () => reject(new Error("the first attempt was not stopped")),
      });
      u.start();
    });
    out.firstURL = firstURL;
    Object.assign(out, await upload(firstURL));
  } else {
    Object.assign(out, await upload(undefined));
  }
  console.log(JSON.stringify(out));
} catch (err) {
  console.log(JSON.stringify({ error: String(err) }));
  process.exit(1);
}
