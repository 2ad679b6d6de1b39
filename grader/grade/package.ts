/**
 * `pardis grader package`: a Gradescope autograder bundle for one lab, so
 * grading at scale runs on an existing platform. The zip holds, at its root,
 * `setup.sh` (run once as root when the image is built: Node 20, bubblewrap,
 * the pardis package, built), `run_autograder` (run per submission) and the
 * package sources with only this lab. A Dockerfile next to it builds the same
 * image anywhere else. The hidden scenarios and the reference live under
 * /autograder/source, which the sandbox never mounts; the submission only ever
 * sees its exercise's folder.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { GraderError } from "../errors.js";
import { labTree, loadLab, packageRoot, type LabTree } from "../lab/registry.js";

export interface PackageOptions {
  readonly lab: string;
  /** Gets `autograder.zip`, the unzipped `autograder/` folder, `Dockerfile` and `README.md`. */
  readonly out: string;
  readonly tree?: LabTree;
}

export interface PackageResult {
  readonly zip: string;
  readonly dir: string;
  readonly dockerfile: string;
}

/** Files of the package a build needs; everything else (tests, course notebooks, other labs) stays out. */
const PACKAGE_FILES = ["package.json", "package-lock.json", "tsconfig.json", "LICENSE", "README.md"];
const PACKAGE_FOLDERS = ["kernel", "runtime", "grader"];

function setupScript(): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl bubblewrap util-linux
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y nodejs
fi
cd "$(dirname "$0")/pardis"
npm ci --no-audit --no-fund
npx tsc -p tsconfig.json
# The check that the sandbox works here is printed with every grading run (results.json says which isolation held).
`;
}

function runScript(lab: string): string {
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission, from /autograder. The submission is in
# /autograder/submission; results go to /autograder/results/results.json.
# PARDIS_AUTOGRADER_ROOT and PARDIS_HOME move both (to try the bundle on any machine);
# PARDIS_GRADE_ARGS adds options to pardis grade (e.g. --hidden-visibility visible).
set -uo pipefail
root="\${PARDIS_AUTOGRADER_ROOT:-/autograder}"
home="\${PARDIS_HOME:-$root/source/pardis}"
mkdir -p "$root/results"
cd "$root"
# shellcheck disable=SC2086 # PARDIS_GRADE_ARGS is a list of words
node "$home/dist/kernel/cli.js" grade "$root/submission" --lab ${lab} --out "$root/results" \${PARDIS_GRADE_ARGS:-}
status=$?
if [ ! -s "$root/results/results.json" ]; then
  # The grader writes results.json even when it fails; this is the last resort if node itself could not start.
  printf '{"score":0,"output":"the autograder could not start (exit %s); this is not your fault, tell the course staff","tests":[]}\\n' "$status" > "$root/results/results.json"
fi
exit 0
`;
}

function dockerfile(lab: string): string {
  return `# The same autograder as the Gradescope bundle, as a container (build context: the autograder/ folder):
#   docker build -t pardis-grader-${lab} -f Dockerfile autograder
#   docker run --rm --privileged -v "$PWD/submission:/autograder/submission:ro" -v "$PWD/results:/autograder/results" pardis-grader-${lab}
# --privileged (or a seccomp/apparmor profile allowing user namespaces) lets bubblewrap build its sandbox inside the container;
# without it the grader falls back to weaker isolation and says so in results.json.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap util-linux && rm -rf /var/lib/apt/lists/*
COPY pardis /autograder/source/pardis
COPY run_autograder /autograder/run_autograder
WORKDIR /autograder/source/pardis
RUN npm ci --no-audit --no-fund && npx tsc -p tsconfig.json && chmod +x /autograder/run_autograder
WORKDIR /autograder
CMD ["/autograder/run_autograder"]
`;
}

function readme(lab: string, zip: string): string {
  return `# Autograder for lab \`${lab}\`

- \`${basename(zip)}\`: upload to Gradescope (Programming assignment → Configure autograder → zip file).
  It holds \`setup.sh\` and \`run_autograder\` at its root, and the pardis package with this lab only.
- \`Dockerfile\`: the same grader as a container image (see the comment at its top).
- Try it locally: unzip into \`X/source\`, put a submission in \`X/submission/\`, and run
  \`PARDIS_AUTOGRADER_ROOT=X PARDIS_HOME=<a built pardis checkout> X/source/run_autograder\`;
  \`X/results/\` gets results.json, junit.xml, feedback.md and feedback.html.
`;
}

export async function packageLab(options: PackageOptions): Promise<PackageResult> {
  const tree = options.tree ?? labTree();
  // Loading proves the lab exists and is built, and gives its reference's path to check.
  const lab = await loadLab(options.lab, tree);
  const source = packageRoot();
  const labSources = join(tree.root, "labs", lab.id);
  if (!existsSync(labSources)) throw new GraderError("unknown-lab", `lab ${lab.id} has no sources at ${labSources}`);

  const out = resolve(options.out);
  const dir = join(out, "autograder");
  rmSync(dir, { recursive: true, force: true });
  const pardis = join(dir, "pardis");
  mkdirSync(pardis, { recursive: true });
  for (const file of PACKAGE_FILES) if (existsSync(join(source, file))) cpSync(join(source, file), join(pardis, file));
  const sourcesOnly = (path: string) => !/(^|\/)(node_modules|dist)(\/|$)|\.test\.ts$/.test(relative(source, path));
  for (const folder of PACKAGE_FOLDERS) cpSync(join(source, folder), join(pardis, folder), { recursive: true, filter: sourcesOnly });
  // The lab without its known-wrong variants: grading needs the definition, the exercise and the reference only.
  cpSync(labSources, join(pardis, "labs", lab.id), {
    recursive: true,
    filter: (path) => !relative(labSources, path).split("/").includes("variants") && !relative(labSources, path).split("/").includes("node_modules"),
  });

  writeFileSync(join(dir, "setup.sh"), setupScript());
  writeFileSync(join(dir, "run_autograder"), runScript(lab.id));
  chmodSync(join(dir, "setup.sh"), 0o755);
  chmodSync(join(dir, "run_autograder"), 0o755);

  const zip = join(out, "autograder.zip");
  rmSync(zip, { force: true });
  // Gradescope wants setup.sh and run_autograder at the zip's root: zip from inside the folder.
  const zipped = spawnSync("zip", ["-q", "-r", "-X", zip, "."], { cwd: dir, encoding: "utf8" });
  if (zipped.error || zipped.status !== 0) {
    throw new GraderError("unreadable-file", `could not run zip (${zipped.error?.message ?? zipped.stderr.trim()}); install zip (apt-get install zip)`);
  }
  const dockerfilePath = join(out, "Dockerfile");
  writeFileSync(dockerfilePath, dockerfile(lab.id));
  writeFileSync(join(out, "README.md"), readme(lab.id, zip));
  return { zip, dir, dockerfile: dockerfilePath };
}
