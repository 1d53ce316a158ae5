package dev.quiesce.aws.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The IAM statements a function of the deployed template runs with — its role's inline policies and the
 * managed policies the role attaches, resolved — and whether they allow a request. Enough of IAM's
 * evaluation for a template that only allows: an action and a resource match with {@code *} and {@code ?}
 * wildcards; a Deny anywhere is refused outright, so it cannot be silently ignored here.
 */
final class RolePolicies {

    /** A statement; {@code like} holds its {@code StringLike} condition, key to patterns, empty without one. */
    private record Statement(List<String> actions, List<String> resources, Map<String, List<String>> like) {

        boolean conditionHolds(Map<String, String> context) {
            return like.entrySet().stream().allMatch(c -> context.containsKey(c.getKey())
                    && c.getValue().stream().anyMatch(p -> glob(p, context.get(c.getKey()))));
        }
    }

    private final List<Statement> statements = new ArrayList<>();

    private RolePolicies() {
    }

    /** The statements of the role the function's {@code Role: !GetAtt X.Arn} names. */
    static RolePolicies of(TemplateStack stack, String functionId) {
        Map<String, Object> function = TemplateStack.map(stack.resolved(functionId));
        String roleArn = (String) TemplateStack.map(function.get("Properties")).get("Role");
        if (roleArn == null) {
            throw new AssertionError(functionId + " has no Role of its own: SAM would give it a generated role"
                    + " with AWS managed policies on every resource");
        }
        String roleId = logicalId(stack, roleArn);
        Map<String, Object> role = TemplateStack.map(TemplateStack.map(stack.resolved(roleId)).get("Properties"));
        RolePolicies p = new RolePolicies();
        for (Object inline : TemplateStack.list(role.get("Policies"))) {
            p.add(TemplateStack.map(inline).get("PolicyDocument"));
        }
        for (Object arn : TemplateStack.list(role.get("ManagedPolicyArns"))) {
            String policyId = logicalId(stack, (String) arn);
            p.add(TemplateStack.map(TemplateStack.map(stack.resolved(policyId)).get("Properties")).get("PolicyDocument"));
        }
        return p;
    }

    /** The logical id of a role or policy from its ARN ({@code …/<stack>-<LogicalId>}). */
    private static String logicalId(TemplateStack stack, String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1 + stack.name().length() + 1);
    }

    private void add(Object document) {
        for (Object s : TemplateStack.list(TemplateStack.map(document).get("Statement"))) {
            Map<String, Object> st = TemplateStack.map(s);
            if (!"Allow".equals(st.get("Effect"))) {
                throw new AssertionError("RolePolicies evaluates Allow statements only, found " + st);
            }
            Map<String, Object> condition = TemplateStack.map(st.get("Condition"));
            if (!condition.keySet().stream().allMatch("StringLike"::equals)) {
                throw new AssertionError("RolePolicies evaluates StringLike conditions only, found " + st);
            }
            Map<String, List<String>> like = new java.util.LinkedHashMap<>();
            TemplateStack.map(condition.get("StringLike")).forEach((k, v) -> like.put(k, strings(v)));
            statements.add(new Statement(strings(st.get("Action")), strings(st.get("Resource")), like));
        }
    }

    private static List<String> strings(Object o) {
        return TemplateStack.list(o).stream().map(String::valueOf).toList();
    }

    /** Whether some statement without a condition allows the action on the resource. */
    boolean allows(String action, String resource) {
        return allows(action, resource, Map.of());
    }

    /** Whether some statement allows the action on the resource, its condition (if any) holding in {@code context}. */
    boolean allows(String action, String resource, Map<String, String> context) {
        return statements.stream().anyMatch(s -> s.actions().stream().anyMatch(a -> glob(a, action))
                && s.resources().stream().anyMatch(r -> glob(r, resource)) && s.conditionHolds(context));
    }

    /** Whether a request a function made is allowed. */
    boolean allows(TemplateStack.Call call) {
        return allows(call.action(), call.resource(), call.context());
    }

    /** Every action-resource pair granted, for messages. */
    List<String> grants() {
        List<String> out = new ArrayList<>();
        statements.forEach(s -> s.actions().forEach(a -> s.resources().forEach(r -> out.add(a + " on " + r))));
        return out;
    }

    private static boolean glob(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE).matcher(value).matches();
    }
}
