package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SAM template parses, every reference in it resolves, and every handler it names exists. */
class SamTemplateTest {

    private static final Set<String> PSEUDO = Set.of("AWS::AccountId", "AWS::Region", "AWS::StackName",
            "AWS::StackId", "AWS::Partition", "AWS::NoValue", "AWS::URLSuffix", "AWS::NotificationARNs");
    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private static Map<String, Object> template;
    private static Map<String, Object> resources;
    private static Set<String> parameters;
    private static Set<String> conditions;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        template = SamTemplate.load();
        resources = (Map<String, Object>) template.get("Resources");
        parameters = ((Map<String, Object>) template.getOrDefault("Parameters", Map.of())).keySet();
        conditions = ((Map<String, Object>) template.getOrDefault("Conditions", Map.of())).keySet();
    }

    @Test
    void isASamTemplateWithTheNotesArchitecture() {
        assertThat(template.get("Transform")).isEqualTo("AWS::Serverless-2016-10-31");
        assertThat(types()).contains("AWS::KinesisFirehose::DeliveryStream", "AWS::S3::Bucket", "AWS::SQS::Queue",
                "AWS::DynamoDB::Table", "AWS::SNS::Topic", "AWS::Serverless::Function");
    }

    @Test
    void cfnLintAcceptsTheTemplateAsWritten() throws Exception {
        // cfn-lint knows Lambda's runtime table: a retired runtime (java17) fails here before a user's deploy does
        java.nio.file.Path template = SamTemplate.FILE;
        if (!onPath("cfn-lint")) {
            System.out.println("SamTemplateTest: cfn-lint is not on PATH, so the template was NOT linted"
                    + " (install it: pipx install cfn-lint)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("cfn-lint"), "cfn-lint is not on PATH");
        Process lint = new ProcessBuilder("cfn-lint", template.toString()).redirectErrorStream(true).start();
        String out = new String(lint.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(lint.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // 0: no errors, no warnings, no informational findings
        assertThat(lint.exitValue()).as(out).isZero();
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyReferenceResolves() {
        List<String> unresolved = new ArrayList<>();
        for (SamTemplate.Intrinsic i : SamTemplate.intrinsics(template)) {
            switch (i.function()) {
                case "Ref":
                    if (!refOk((String) i.argument())) {
                        unresolved.add("!Ref " + i.argument());
                    }
                    break;
                case "GetAtt":
                    String target = i.argument() instanceof List ? (String) ((List<?>) i.argument()).get(0)
                            : ((String) i.argument()).split("\\.")[0];
                    if (!resources.containsKey(target) && !samFunctionUrl(target)) {
                        unresolved.add("!GetAtt " + i.argument());
                    }
                    break;
                case "Sub":
                    String text = i.argument() instanceof List ? (String) ((List<?>) i.argument()).get(0)
                            : (String) i.argument();
                    Set<String> local = i.argument() instanceof List
                            ? ((Map<?, ?>) ((List<?>) i.argument()).get(1)).keySet().stream().map(String::valueOf)
                                    .collect(java.util.stream.Collectors.toSet())
                            : Set.of();
                    Matcher m = SUB_VAR.matcher(text);
                    while (m.find()) {
                        String var = m.group(1);
                        String head = var.contains(".") && !var.startsWith("AWS::") ? var.split("\\.")[0] : var;
                        if (!local.contains(var) && !refOk(head)) {
                            unresolved.add("!Sub ${" + var + "}");
                        }
                    }
                    break;
                case "If":
                    String condition = (String) ((List<?>) i.argument()).get(0);
                    if (!conditions.contains(condition)) {
                        unresolved.add("!If " + condition);
                    }
                    break;
                default:
                    break;
            }
        }
        for (Map.Entry<String, Object> r : resources.entrySet()) {
            Object dependsOn = ((Map<?, ?>) r.getValue()).get("DependsOn");
            List<?> deps = dependsOn instanceof List ? (List<?>) dependsOn : dependsOn == null ? List.of() : List.of(dependsOn);
            for (Object d : deps) {
                if (!resources.containsKey(d)) {
                    unresolved.add(r.getKey() + " DependsOn " + d);
                }
            }
        }
        assertThat(unresolved).isEmpty();
    }

    @Test
    void everyHandlerExistsAndHasTheRightShape() throws Exception {
        List<String> handlers = new ArrayList<>();
        for (Object r : resources.values()) {
            Map<?, ?> resource = (Map<?, ?>) r;
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                handlers.add((String) ((Map<?, ?>) resource.get("Properties")).get("Handler"));
            }
        }
        assertThat(handlers).hasSize(6);
        for (String h : handlers) {
            String[] parts = h.split("::");
            Class<?> type = Class.forName(parts[0]);
            assertThat(parts[1]).isEqualTo("handleRequest");
            assertThat(RequestHandler.class.isAssignableFrom(type) || RequestStreamHandler.class.isAssignableFrom(type))
                    .as(h + " is a Lambda handler").isTrue();
            if (RequestStreamHandler.class.isAssignableFrom(type)) {
                assertThat(type.getMethod("handleRequest", InputStream.class, OutputStream.class, Context.class)).isNotNull();
            }
            assertThat(type.getConstructor()).as(h + " has the no-argument constructor Lambda calls").isNotNull();
        }
    }

    @Test
    void functionsReportPartialBatchFailuresFromTheirQueues() {
        for (String fn : List.of("MonitorFunction", "ObserverFunction")) {
            Map<?, ?> props = (Map<?, ?>) ((Map<?, ?>) resources.get(fn)).get("Properties");
            Map<?, ?> events = (Map<?, ?>) props.get("Events");
            Map<?, ?> sqs = (Map<?, ?>) ((Map<?, ?>) events.values().iterator().next()).get("Properties");
            assertThat(sqs.get("FunctionResponseTypes")).as(fn).isEqualTo(List.of("ReportBatchItemFailures"));
        }
    }

    /** {@code <Function>Url}, the URL resource SAM generates for a function with a {@code FunctionUrlConfig}. */
    private static boolean samFunctionUrl(String target) {
        if (!target.endsWith("Url")) {
            return false;
        }
        Object function = resources.get(target.substring(0, target.length() - "Url".length()));
        return function instanceof Map && ((Map<?, ?>) ((Map<?, ?>) function).get("Properties")).containsKey("FunctionUrlConfig");
    }

    private static boolean refOk(String name) {
        return parameters.contains(name) || resources.containsKey(name) || PSEUDO.contains(name);
    }

    private static Set<String> types() {
        Set<String> t = new HashSet<>();
        for (Object r : resources.values()) {
            t.add((String) ((Map<?, ?>) r).get("Type"));
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resource(String id) {
        return (Map<String, Object>) resources.get(id);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(String id) {
        return (Map<String, Object>) resource(id).get("Properties");
    }

    @Test
    void dataOutlivesTheStack() {
        for (String id : List.of("LandingBucket", "TallyTable", "ObservationTable", "DeclarationTable")) {
            assertThat(resource(id)).as(id).containsEntry("DeletionPolicy", "Retain").containsEntry("UpdateReplacePolicy", "Retain");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBucketNotifiesAboutTheLandingPrefixOnlyAndFirehoseErrorsLandOutsideIt() {
        Map<String, Object> notifications = (Map<String, Object>) properties("LandingBucket").get("NotificationConfiguration");
        List<Map<String, Object>> queues = (List<Map<String, Object>>) notifications.get("QueueConfigurations");
        assertThat(queues).isNotEmpty().allSatisfy(q -> assertThat(q.toString()).contains("prefix")
                .contains("Intrinsic[function=Ref, argument=LandingPrefix]"));
        Map<String, Object> s3 = (Map<String, Object>) properties("DeliveryStream").get("ExtendedS3DestinationConfiguration");
        // partitioned by run or not, Firehose writes under LandingPrefix and its errors outside it
        List<Object> byRun = (List<Object>) ((SamTemplate.Intrinsic) s3.get("Prefix")).argument();
        assertThat(byRun.get(0)).isEqualTo("PartitionsByRun");
        assertThat(byRun.get(1)).isEqualTo(new SamTemplate.Intrinsic("Sub", "${LandingPrefix}!{partitionKeyFromQuery:run}/"));
        assertThat(byRun.get(2)).isEqualTo(new SamTemplate.Intrinsic("Ref", "LandingPrefix"));
        Map<String, Object> prefix = (Map<String, Object>) ((Map<String, Object>) template.get("Parameters")).get("LandingPrefix");
        List<Object> errorPrefixes = (List<Object>) ((SamTemplate.Intrinsic) s3.get("ErrorOutputPrefix")).argument();
        for (Object errors : errorPrefixes.subList(1, 3)) {
            assertThat((String) errors).startsWith("errors/").doesNotStartWith((String) prefix.get("Default"));
        }
        assertThat("events/").matches((String) prefix.get("AllowedPattern"));
        assertThat("a/b/").matches((String) prefix.get("AllowedPattern"));
        assertThat("/events/").doesNotMatch((String) prefix.get("AllowedPattern"));
        assertThat("events").doesNotMatch((String) prefix.get("AllowedPattern"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void concurrencyIsBoundedAndEveryFunctionLogsWithARetention() {
        assertThat(properties("SweepFunction")).containsEntry("ReservedConcurrentExecutions", 1);
        for (String fn : List.of("MonitorFunction", "ObserverFunction")) {
            Map<String, Object> events = (Map<String, Object>) properties(fn).get("Events");
            events.values().forEach(e -> assertThat(((Map<String, Object>) ((Map<String, Object>) e).get("Properties"))
                    .get("ScalingConfig")).as(fn).isEqualTo(Map.of("MaximumConcurrency", 10)));
        }
        List<String> functions = resources.entrySet().stream()
                .filter(e -> "AWS::Serverless::Function".equals(((Map<String, Object>) e.getValue()).get("Type")))
                .map(Map.Entry::getKey).toList();
        for (String fn : functions) {
            String group = fn.replace("Function", "LogGroup");
            assertThat(resource(group)).as("a log group for " + fn).isNotNull();
            assertThat(properties(group).get("RetentionInDays")).isEqualTo(new SamTemplate.Intrinsic("Ref", "LogRetentionDays"));
            // Lambda's JSON log format, into that group (not one Lambda would create without a retention)
            assertThat(properties(fn).get("LoggingConfig")).as(fn)
                    .isEqualTo(Map.of("LogFormat", "JSON", "LogGroup", new SamTemplate.Intrinsic("Ref", group)));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBucketIsNamedByAValidatedParameter() {
        Map<String, Object> p = (Map<String, Object>) ((Map<String, Object>) template.get("Parameters")).get("LandingBucketName");
        String pattern = (String) p.get("AllowedPattern");
        assertThat(p).doesNotContainKey("Default");
        for (String ok : List.of("acme-quiesce-landing-prod", "abc", "a.b-c9")) {
            assertThat(ok).matches(pattern);
        }
        for (String bad : List.of("Acme-Landing", "ab", "-abc", "abc-", "a".repeat(64), "under_score", "")) {
            assertThat(bad).as(bad).doesNotMatch(pattern);
        }
        assertThat(properties("LandingBucket").get("BucketName")).isEqualTo(new SamTemplate.Intrinsic("Ref", "LandingBucketName"));
        assertThat(SamTemplate.intrinsics(template)).noneMatch(i -> String.valueOf(i.argument()).contains("quiesce-landing-"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyDeadLetterQueueHasAnAlarmAndEveryAlarmNotifiesTheAlarmTopic() {
        List<String> deadLetterQueues = resources.keySet().stream().filter(id -> id.endsWith("DeadLetterQueue")).toList();
        assertThat(deadLetterQueues).containsExactlyInAnyOrder("ArrivalDeadLetterQueue", "CheckDeadLetterQueue",
                "NotificationDeadLetterQueue");
        List<Map<String, Object>> alarms = resources.entrySet().stream()
                .filter(e -> "AWS::CloudWatch::Alarm".equals(((Map<String, Object>) e.getValue()).get("Type")))
                .map(e -> (Map<String, Object>) ((Map<String, Object>) e.getValue()).get("Properties")).toList();
        for (String q : deadLetterQueues) {
            assertThat(alarms).as("an alarm on " + q).anyMatch(a -> String.valueOf(a.get("Dimensions")).contains(q)
                    && "ApproximateNumberOfMessagesVisible".equals(a.get("MetricName")));
        }
        assertThat(alarms).allSatisfy(a -> assertThat(a.get("AlarmActions"))
                .isEqualTo(List.of(new SamTemplate.Intrinsic("Ref", "AlarmTopic"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionRunsWithARoleOfItsOwnAndNoWildcardResources() {
        for (Map.Entry<String, Object> e : resources.entrySet()) {
            Map<String, Object> r = (Map<String, Object>) e.getValue();
            if ("AWS::Serverless::Function".equals(r.get("Type"))) {
                Map<String, Object> props = (Map<String, Object>) r.get("Properties");
                assertThat(props).as(e.getKey() + ": SAM's generated role would add AWS managed policies on *")
                        .containsKey("Role").doesNotContainKey("Policies");
            }
            if (List.of("AWS::IAM::Role", "AWS::IAM::ManagedPolicy").contains(r.get("Type"))) {
                assertThat(r.get("Properties").toString()).as(e.getKey()).doesNotContain("Resource=*")
                        .doesNotContain("Action=*").doesNotContain(":*,").doesNotContain("dynamodb:*").doesNotContain("sqs:*");
            }
        }
    }
}
