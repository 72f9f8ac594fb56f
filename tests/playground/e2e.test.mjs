// End-to-end test of the built playground in a real browser: Debian's Chromium driven by
// playwright-core, against iam-wasm/playground/dist on a local static server.
//
//   iam-wasm/playground/build.sh && (cd tests/playground && npm ci) && node --test tests/playground/
//
// CHROMIUM overrides the browser path (default /usr/bin/chromium); SCREENSHOT the screenshot path.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../iam-wasm/playground/serve.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const screenshot = process.env.SCREENSHOT ?? join(root, "target/playground/e2e.png");
let server;
let base;
let context;
let profile;
const problems = [];
const requests = [];

async function openPage(url) {
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
  return page;
}

const decision = (page) => page.getAttribute("#decision", "data-decision");
// Generous: CI machines are small and shared, and a fresh page compiles the module first.
async function waitDecision(page, d) {
  try {
    // Only once no change waits for its run: the decision shown is then the current state's.
    await page.waitForFunction(
      (d) => !document.body.dataset.pending && document.querySelector("#decision")?.dataset.decision === d,
      d,
      { timeout: 15000 },
    );
  } catch (e) {
    const shown = await page.getAttribute("#decision", "data-decision").catch(() => "(none)");
    throw new Error(`expected decision ${d}, the page shows ${shown}: ${e.message}`);
  }
}
/** The text of the highlighted (decisive) statements in the editor. */
const decisiveText = (page) => page.$$eval(".cm-decisive", (els) => els.map((e) => e.textContent).join(""));
const editorText = (page) => page.evaluate(() => document.querySelector(".cm-content").innerText);

/** Replaces the active editor's text as a user would: select all, then type (insert) the text. */
async function setPolicy(page, text) {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

async function chooseExample(page, titleStart) {
  const value = await page.evaluate((t) => {
    const o = [...document.querySelectorAll("#examples option")].find((o) => o.textContent.startsWith(t));
    return o?.value;
  }, titleStart);
  assert.ok(value, `example "${titleStart}" is in the menu`);
  await page.selectOption("#examples", value);
}

before(async () => {
  assert.ok(existsSync(join(root, "iam-wasm/playground/dist/index.html")), "build the playground first");
  ({ server, url: base } = await serve({ port: 0 }));
  profile = mkdtempSync(join(tmpdir(), "iam-playground-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    headless: true,
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    viewport: { width: 1400, height: 900 },
  });
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("the playground decides, marks, explains, shares, and never talks to a server", async () => {
  const page = await openPage(base);

  // Version and catalog date come from the engine.
  assert.match(await page.textContent("#version"), /^\d+\.\d+\.\d+/);
  assert.match(await page.textContent("#catalog-date"), /^\d{4}-\d{2}-\d{2}$/);
  assert.match(await page.textContent("#privacy"), /Nothing you type leaves this page/);

  // An example loads into its tab and is decided; the decisive statement is highlighted.
  await chooseExample(page, "Guide: least privilege");
  await waitDecision(page, "allow");
  assert.match(await page.textContent("#decision"), /ReadWriteReports/);
  assert.match(await editorText(page), /OrdersTableAccess/);
  assert.equal(await page.getAttribute('#tabs button[data-layer="identity"]', "aria-selected"), "true");
  assert.match(await decisiveText(page), /"Sid": "ReadWriteReports"/);
  assert.doesNotMatch(await decisiveText(page), /OrdersTableAccess/);

  // The request builder: another action is implicitly denied; completion comes from the catalog.
  await page.fill("#action", "s3:GetObjectTagg");
  await page.waitForSelector('#action-list option[value="s3:GetObjectTagging"]', { state: "attached" });
  await page.fill("#action", "s3:DeleteObject");
  await waitDecision(page, "implicitDeny");
  await page.fill("#action", "s3:GetObject");
  await waitDecision(page, "allow");

  // Edit the policy: a Deny wins, and its statement is highlighted as decisive.
  const edited = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Sid": "NoMonthly", "Effect": "Deny", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::example-reports/monthly/*"}
  ]
}`;
  await setPolicy(page, edited);
  await waitDecision(page, "explicitDeny");
  assert.match(await page.textContent("#decision"), /NoMonthly/);
  assert.match(await decisiveText(page), /NoMonthly/);
  assert.doesNotMatch(await decisiveText(page), /ReadReports/);

  // The lint finding for `s3:*` is a marker in the editor and an entry in the findings panel;
  // hovering the marker shows the message, clicking the entry selects the element.
  await page.waitForSelector(".cm-lintRange-warning");
  const finding = page.locator('#findings li[data-severity="warning"]', { hasText: "SERVICE_WILDCARD" });
  assert.equal(await finding.count(), 1);
  await page.hover(".cm-lintRange-warning");
  await page.waitForSelector(".cm-tooltip-lint");
  assert.match(await page.textContent(".cm-tooltip-lint"), /SERVICE_WILDCARD/);
  await page.click("#decision"); // move the pointer away from the marker
  await finding.click();
  const selected = await page.evaluate(() => String(getSelection()));
  assert.equal(selected, '"s3:*"');

  // A JSON error: an error marker, and no decision rather than a guess.
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText(",");
  await waitDecision(page, "none");
  await page.waitForSelector(".cm-lintRange-error");
  assert.match(await page.textContent("#decision"), /Fix the errors in the Identity tab/);
  assert.ok((await page.locator('#tabs button[data-layer="identity"] .badge.error').count()) === 1);
  await page.keyboard.press("Backspace");
  await waitDecision(page, "explicitDeny");

  // Typed context keys: the MFA/IP example asks for both keys; another address is denied.
  await chooseExample(page, "Guide: S3 only from the office");
  await waitDecision(page, "allow");
  const ip = page.locator('#context-keys input[data-key="aws:SourceIp"]');
  assert.equal(await ip.inputValue(), "203.0.113.7");
  assert.equal(await page.locator('#context-keys select[data-key="aws:MultiFactorAuthPresent"]').inputValue(), "true");
  await ip.fill("198.51.100.20");
  await waitDecision(page, "implicitDeny");

  // Several policy types: a resource policy's Deny, shown in its own tab.
  await chooseExample(page, "Corpus: reports bucket");
  await waitDecision(page, "explicitDeny");
  await page.click('#tabs button[data-layer="resource"]');
  assert.match(await decisiveText(page), /DenyInsecureTransport/);

  // Several identity policies and SCP levels: tabs added with "+", each decided in its place.
  await chooseExample(page, "Guide: least privilege");
  await waitDecision(page, "allow");
  // (First the request's scope: a wildcard-only action is evaluated against "*".)
  await page.click("#more-request summary");
  await page.selectOption("#wildcardOnlyAction", "true");
  await waitDecision(page, "implicitDeny");
  await page.selectOption("#wildcardOnlyAction", "");
  await waitDecision(page, "allow");
  await page.click('#tabs button[data-add="identity"]');
  assert.equal(await page.getAttribute('#tabs button[data-layer="identity#2"]', "aria-selected"), "true");
  await waitDecision(page, "allow"); // an empty tab leaves the decision as it was
  await setPolicy(page, `{"Version": "2012-10-17", "Statement": [
  {"Sid": "NoReportReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}`);
  await waitDecision(page, "explicitDeny");
  assert.match(await page.textContent("#decision"), /Identity 2 "NoReportReads"/);
  assert.match(await decisiveText(page), /NoReportReads/);
  // Let the page save this state in its link (it does so 300 ms after a change): the share
  // below must replace it with the state at the click, not hand out this older one.
  await page.waitForFunction(() => document.body.dataset.saved === document.body.dataset.runs);
  await page.click('#tabs button[data-layer="identity"]');
  assert.equal(await decisiveText(page), "");
  await page.click('#tabs button[data-close="identity#2"]');
  await waitDecision(page, "allow");
  assert.equal(await page.locator('#tabs button[data-layer="identity#2"]').count(), 0);
  await page.click('#tabs button[data-layer="scp"]');
  await setPolicy(page, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`);
  await page.click('#tabs button[data-add="scp"]');
  await setPolicy(page, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}`);
  await waitDecision(page, "implicitDeny");
  assert.match(await page.textContent("#decision"), /SCP level 2/);


  // Share: the link carries the whole state; opening it restores the same page.
  await page.click("#share");
  await page.waitForFunction(() => document.querySelector("#share-link").value.includes("#s="));
  const levels = await openPage(await page.inputValue("#share-link"));
  await waitDecision(levels, "implicitDeny");
  assert.equal(await levels.locator('#tabs button[data-layer="scp#2"]').count(), 1);
  await levels.close();
  // A level added after closing a middle one still goes last (levels are root first).
  await page.click('#tabs button[data-add="scp"]');
  await page.click('#tabs button[data-close="scp#2"]');
  await page.click('#tabs button[data-add="scp"]');
  const scpTabs = await page.$$eval('#tabs button[role="tab"]', (bs) =>
    bs.map((b) => b.dataset.layer).filter((k) => k.startsWith("scp")));
  assert.deepEqual(scpTabs, ["scp", "scp#3", "scp#4"]);
  await chooseExample(page, "Guide: least privilege");
  await waitDecision(page, "allow");
  await setPolicy(page, edited);
  await page.fill("#resource", "arn:aws:s3:::example-reports/yearly/2026.csv");
  await waitDecision(page, "allow");
  await page.click("#share");
  await page.waitForFunction(() => document.querySelector("#share-link").value.includes("#s="));
  const link = await page.inputValue("#share-link");
  assert.ok(link.startsWith(base));
  const shared = await openPage(link);
  await waitDecision(shared, "allow");
  assert.match(await editorText(shared), /NoMonthly/);
  assert.equal(await shared.inputValue("#resource"), "arn:aws:s3:::example-reports/yearly/2026.csv");
  await shared.fill("#resource", "arn:aws:s3:::example-reports/monthly/2026-10.csv");
  await waitDecision(shared, "explicitDeny");

  mkdirSync(dirname(screenshot), { recursive: true });
  await shared.screenshot({ path: screenshot, fullPage: true });
  assert.ok(existsSync(screenshot));

  // Nothing left the page: every request went to the page's own origin, and nothing failed.
  const foreign = requests.filter((u) => !u.startsWith(base) && !u.startsWith("data:"));
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
