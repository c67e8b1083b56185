#!/usr/bin/env bash
# bin/convoy emr --dry-run prints the exact AWS CLI commands; the bootstrap action installs Java 21
# once and fails the node loudly when it cannot (dnf, which only EMR nodes have, is a stub here).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
fail() { echo "emr_test: FAIL: $*" >&2; exit 1; }
has() { grep -qF -- "$2" <<<"$1" || fail "expected '$2' in: $1"; }
hasnt() { ! grep -qF -- "$2" <<<"$1" || fail "did not expect '$2' in: $1"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# add-step: the jar, the config, Java 21 for executors and the AM, and the connector when a job uses it.
sed 's/source: auto/source: aws-kinesis/' conf/jobs.yaml >"$work/connector.yaml"
out=$(bin/convoy emr add-step --cluster-id j-TEST --s3 s3://bucket/convoy --config "$work/connector.yaml" --dry-run)
has "$out" "aws emr add-steps --region"
has "$out" "--cluster-id j-TEST"
has "$out" "spark-submit --deploy-mode client --class dev.convoy.app.Main"
has "$out" "/home/hadoop/convoy/convoy-spark.jar run --config /home/hadoop/convoy/jobs.yaml"
has "$out" "s3://bucket/convoy/release/"
has "$out" "spark.executorEnv.JAVA_HOME=/usr/lib/jvm/java-21-amazon-corretto"
has "$out" "spark.yarn.appMasterEnv.JAVA_HOME=/usr/lib/jvm/java-21-amazon-corretto"
has "$out" "--jars /usr/share/aws/kinesis/spark-sql-kinesis/lib/spark-streaming-sql-kinesis-connector.jar"
# the step JSON the command reads is valid JSON
step_json=$(sed -n '2p' <<<"$out")
if command -v python3 >/dev/null; then python3 -c 'import json,sys; json.loads(sys.argv[1])' "$step_json" || fail "step JSON does not parse"; fi

# no job says 'source: aws-kinesis' ('auto' is the built-in source): no connector jar
for config in conf/jobs.yaml conf/jobs.local.yaml; do
  out=$(bin/convoy emr add-step --cluster-id j-TEST --s3 s3://bucket/convoy --config "$config" --dry-run)
  hasnt "$out" "spark-streaming-sql-kinesis-connector.jar"
done

# create-cluster: the bootstrap action, the configurations, roles and log URI
out=$(bin/convoy emr create-cluster --s3 s3://bucket/convoy --subnet subnet-1 --dry-run)
has "$out" "aws emr create-cluster"
has "$out" "--release-label emr-7.5.0"
has "$out" "install-java21.sh"
has "$out" "--configurations file://$ROOT/conf/emr-configurations.json"
has "$out" "--log-uri s3://bucket/convoy/logs/"
has "$out" "--service-role EMR_DefaultRole"
has "$out" "SubnetId=subnet-1"

# deploy uploads the bootstrap action, the jar, the config and the env file
touch "$work/convoy-spark.jar" "$work/emr.env"
out=$(bin/convoy emr deploy --s3 s3://bucket/convoy --jar "$work/convoy-spark.jar" --env-file "$work/emr.env" --dry-run)
[[ $(grep -c '^aws s3 cp' <<<"$out") -eq 4 ]] || fail "deploy should upload 4 files: $out"
has "$out" "s3://bucket/convoy/release/jobs.yaml"

# restart-step cancels the running step (interrupt first) and adds it again; status reads both
out=$(bin/convoy emr restart-step --cluster-id j-TEST --s3 s3://bucket/convoy --dry-run)
has "$out" "aws emr list-steps"
has "$out" "aws emr cancel-steps"
has "$out" "SEND_INTERRUPT"
has "$out" "aws emr add-steps"
out=$(bin/convoy emr status --cluster-id j-TEST --dry-run)
has "$out" "aws emr describe-cluster"

# a missing required option is refused with the option named, exit 2
set +e
err=$(bin/convoy emr add-step --s3 s3://b --dry-run 2>&1); rc=$?
set -e
[[ $rc -eq 2 ]] || fail "missing --cluster-id should exit 2, got $rc"
has "$err" "--cluster-id is required"

# bootstrap action: installs once, is idempotent, fails loudly when the package cannot be installed
mkdir -p "$work/bin"
cat >"$work/java21" <<'JAVA'
#!/usr/bin/env bash
echo 'openjdk version "21.0.5" 2024-10-15 LTS' >&2
JAVA
cat >"$work/bin/dnf" <<STUB
#!/usr/bin/env bash
[[ \${FAKE_DNF_FAIL:-} == 1 ]] && { echo "No match for argument" >&2; exit 1; }
mkdir -p "$work/jdk/bin"
install -m 755 "$work/java21" "$work/jdk/bin/java"
echo "\$*" >>"$work/dnf.calls"
STUB
chmod +x "$work/bin/dnf"
run_bootstrap() { PATH="$work/bin:$PATH" CONVOY_JAVA_HOME="$work/jdk" bash bootstrap-actions/install-java21.sh 2>&1; }
# not root in CI containers? the script uses sudo only when not root
if [[ $(id -u) -ne 0 ]]; then printf '#!/usr/bin/env bash\n"$@"\n' >"$work/bin/sudo"; chmod +x "$work/bin/sudo"; fi
out=$(run_bootstrap); has "$out" "installing java-21-amazon-corretto-devel"; has "$out" "installed: openjdk version \"21"
out=$(run_bootstrap); has "$out" "already installed"
[[ $(wc -l <"$work/dnf.calls") -eq 1 ]] || fail "the second run must not install again"
rm -rf "$work/jdk"
set +e
out=$(FAKE_DNF_FAIL=1 run_bootstrap); rc=$?
set -e
[[ $rc -ne 0 ]] || fail "a failed install must fail the node"
has "$out" "FAILED: dnf could not install"
echo "emr_test: ok"
