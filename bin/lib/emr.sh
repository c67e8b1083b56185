# shellcheck shell=bash
# bin/convoy emr: create a cluster whose nodes run Java 21, deploy Convoy to S3, run the driver as one
# step, restart that step, show status. Every subcommand takes --dry-run, which prints the exact AWS
# CLI commands (and the JSON files they read) instead of running them.

EMR_CONNECTOR_JAR=/usr/share/aws/kinesis/spark-sql-kinesis/lib/spark-streaming-sql-kinesis-connector.jar
EMR_JAVA_HOME=/usr/lib/jvm/java-21-amazon-corretto
EMR_HOME_DIR=/home/hadoop/convoy

emr_usage() {
  cat <<'USAGE'
Usage: bin/convoy emr <subcommand> [options] [--dry-run]

  create-cluster  a cluster whose every node gets Java 21 (bootstrap action) and conf/emr-configurations.json
                  --s3 s3://BUCKET/PREFIX (required)  --name convoy  --release emr-7.5.0
                  --instance-type m5.xlarge  --core-count 2  --log-uri s3://… (default <s3>/logs/)
                  --subnet subnet-…  --key-name …  --service-role EMR_DefaultRole
                  --instance-profile EMR_EC2_DefaultRole
  deploy          upload the jar, the job config, the env file and the bootstrap action to --s3
                  --s3 …  --config conf/jobs.yaml  --env-file conf/emr.env  --jar target/convoy-*-spark.jar
  add-step        run the driver as one step (spark-submit, client mode, Java 21)
                  --cluster-id j-…  --s3 …  --config conf/jobs.yaml (to see which source the jobs use)
  restart-step    cancel the running driver step and add it again (the checkpoints make this safe)
                  --cluster-id j-…  --s3 …
  status          the cluster's state and its Convoy steps        --cluster-id j-…

Common: --region (default $AWS_REGION), --dry-run. Real calls go through the AWS CLI ('aws').
USAGE
}

emr_main() {
  local sub=${1:-help}; shift || true
  local dry_run=false region=${AWS_REGION:-us-east-1} s3="" name=convoy release=emr-7.5.0 itype=m5.xlarge cores=2
  local log_uri="" subnet="" key_name="" service_role=EMR_DefaultRole profile=EMR_EC2_DefaultRole cluster=""
  local config=conf/jobs.yaml env_file=conf/emr.env jar=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dry-run) dry_run=true ;;
      --region) region=$2; shift ;;
      --s3) s3=${2%/}; shift ;;
      --name) name=$2; shift ;;
      --release) release=$2; shift ;;
      --instance-type) itype=$2; shift ;;
      --core-count) cores=$2; shift ;;
      --log-uri) log_uri=$2; shift ;;
      --subnet) subnet=$2; shift ;;
      --key-name) key_name=$2; shift ;;
      --service-role) service_role=$2; shift ;;
      --instance-profile) profile=$2; shift ;;
      --cluster-id) cluster=$2; shift ;;
      --config) config=$2; shift ;;
      --env-file) env_file=$2; shift ;;
      --jar) jar=$2; shift ;;
      -h|--help) emr_usage; return 0 ;;
      *) emr_die "unknown option '$1' (see bin/convoy emr --help)" ;;
    esac
    shift
  done
  EMR_DRY_RUN=$dry_run
  EMR_REGION=$region
  case "$sub" in
    create-cluster) emr_need s3 "$s3"; emr_create_cluster "$s3" "$name" "$release" "$itype" "$cores" "${log_uri:-$s3/logs/}" "$subnet" "$key_name" "$service_role" "$profile" ;;
    deploy) emr_need s3 "$s3"; emr_deploy "$s3" "$config" "$env_file" "$jar" ;;
    add-step) emr_need cluster-id "$cluster"; emr_need s3 "$s3"; emr_add_step "$cluster" "$s3" "$config" ;;
    restart-step) emr_need cluster-id "$cluster"; emr_need s3 "$s3"; emr_restart_step "$cluster" "$s3" "$config" ;;
    status) emr_need cluster-id "$cluster"; emr_status "$cluster" ;;
    help|-h|--help) emr_usage ;;
    *) emr_die "unknown subcommand '$sub' (create-cluster, deploy, add-step, restart-step, status)" ;;
  esac
}

emr_die() {
  echo "convoy emr: $*" >&2
  exit 2
}

emr_need() {
  [[ -n $2 ]] || emr_die "--$1 is required (see bin/convoy emr --help)"
}

# Prints the command under --dry-run, else runs it. Arguments are printed shell-quoted, so the
# printed line can be pasted as it is.
emr_run() {
  if [[ $EMR_DRY_RUN == true ]]; then
    printf '%q ' "$@"
    printf '\n'
  else
    command -v aws >/dev/null 2>&1 || emr_die "the AWS CLI ('aws') is not installed; see https://aws.amazon.com/cli/ or use --dry-run"
    "$@"
  fi
}

# Writes JSON a command reads; under --dry-run, prints it too.
emr_json_file() {
  local file=$1 content=$2
  printf '%s\n' "$content" >"$file"
  if [[ $EMR_DRY_RUN == true ]]; then
    echo "# $file:"
    printf '%s\n' "$content"
  fi
}

emr_create_cluster() {
  local s3=$1 name=$2 release=$3 itype=$4 cores=$5 log_uri=$6 subnet=$7 key_name=$8 service_role=$9 profile=${10}
  local attrs="InstanceProfile=$profile"
  [[ -n $subnet ]] && attrs+=",SubnetId=$subnet"
  [[ -n $key_name ]] && attrs+=",KeyName=$key_name"
  emr_run aws emr create-cluster --region "$EMR_REGION" --name "$name" --release-label "$release" \
    --applications Name=Hadoop Name=Spark \
    --instance-groups "InstanceGroupType=MASTER,InstanceCount=1,InstanceType=$itype" \
    "InstanceGroupType=CORE,InstanceCount=$cores,InstanceType=$itype" \
    --bootstrap-actions "Path=$s3/bootstrap/install-java21.sh,Name=convoy-java21,Args=[--copy,$s3/release/,$EMR_HOME_DIR]" \
    --configurations "file://$CONVOY_ROOT/conf/emr-configurations.json" \
    --log-uri "$log_uri" --service-role "$service_role" --ec2-attributes "$attrs"
}

emr_deploy() {
  local s3=$1 config=$2 env_file=$3 jar=$4
  if [[ -z $jar ]]; then
    jar=$(find "$CONVOY_ROOT/target" -maxdepth 1 -name 'convoy-*-spark.jar' 2>/dev/null | head -1)
    [[ -n $jar ]] || emr_die "no target/convoy-*-spark.jar: run 'make build' first (or pass --jar)"
  fi
  [[ -f $config ]] || emr_die "config $config not found"
  emr_run aws s3 cp --region "$EMR_REGION" "$CONVOY_ROOT/bootstrap-actions/install-java21.sh" "$s3/bootstrap/install-java21.sh"
  emr_run aws s3 cp --region "$EMR_REGION" "$jar" "$s3/release/convoy-spark.jar"
  emr_run aws s3 cp --region "$EMR_REGION" "$config" "$s3/release/jobs.yaml"
  if [[ -f $env_file ]]; then
    emr_run aws s3 cp --region "$EMR_REGION" "$env_file" "$s3/release/convoy.env"
  else
    echo "convoy emr: no env file $env_file: the config's \${…} values must then come from the nodes' environment" >&2
  fi
}

# The connector jar is needed when a job of the config says 'source: aws-kinesis' ('auto' is the built-in source).
emr_needs_connector() {
  local config=$1
  [[ -f $config ]] || return 0
  "$CONVOY_ROOT/bin/convoy" config sources --config "$config" | grep -x aws-kinesis >/dev/null
}

# The driver step: fetch the release, load its env file, spark-submit in client mode on Java 21.
emr_step_json() {
  local s3=$1 config=$2 jars=""
  emr_needs_connector "$config" && jars="--jars $EMR_CONNECTOR_JAR "
  local script="aws s3 cp --recursive --only-show-errors $s3/release/ $EMR_HOME_DIR/ && if [ -f $EMR_HOME_DIR/convoy.env ]; then set -a; . $EMR_HOME_DIR/convoy.env; set +a; fi && exec spark-submit --deploy-mode client --class dev.convoy.app.Main --conf spark.executorEnv.JAVA_HOME=$EMR_JAVA_HOME --conf spark.yarn.appMasterEnv.JAVA_HOME=$EMR_JAVA_HOME --conf spark.speculation=false ${jars}$EMR_HOME_DIR/convoy-spark.jar run --config $EMR_HOME_DIR/jobs.yaml"
  printf '[{"Type":"CUSTOM_JAR","Name":"convoy-driver","ActionOnFailure":"CONTINUE","Jar":"command-runner.jar","Args":["bash","-c","%s"]}]' "$script"
}

emr_add_step() {
  local cluster=$1 s3=$2 config=$3 steps
  steps=$(mktemp "${TMPDIR:-/tmp}/convoy-step.XXXXXX.json")
  emr_json_file "$steps" "$(emr_step_json "$s3" "$config")"
  emr_run aws emr add-steps --region "$EMR_REGION" --cluster-id "$cluster" --steps "file://$steps"
}

emr_restart_step() {
  local cluster=$1 s3=$2 config=$3 running
  if [[ $EMR_DRY_RUN == true ]]; then
    running='<the RUNNING convoy-driver step id>'
    emr_run aws emr list-steps --region "$EMR_REGION" --cluster-id "$cluster" --step-states RUNNING PENDING \
      --query "Steps[?Name=='convoy-driver'].Id" --output text
  else
    running=$(emr_run aws emr list-steps --region "$EMR_REGION" --cluster-id "$cluster" --step-states RUNNING PENDING \
      --query "Steps[?Name=='convoy-driver'].Id" --output text)
  fi
  if [[ -n $running && $running != None ]]; then
    # SIGTERM first: the driver stops its queries gracefully; the checkpoints make a restart exact either way.
    emr_run aws emr cancel-steps --region "$EMR_REGION" --cluster-id "$cluster" --step-ids "$running" \
      --step-cancellation-option SEND_INTERRUPT
  fi
  emr_add_step "$cluster" "$s3" "$config"
}

emr_status() {
  local cluster=$1
  emr_run aws emr describe-cluster --region "$EMR_REGION" --cluster-id "$cluster" \
    --query 'Cluster.{state:Status.State,reason:Status.StateChangeReason.Message,master:MasterPublicDnsName}' --output table
  emr_run aws emr list-steps --region "$EMR_REGION" --cluster-id "$cluster" \
    --query "Steps[?Name=='convoy-driver'].[Id,Status.State,Status.Timeline.StartDateTime,Status.FailureDetails.Message]" --output table
}
