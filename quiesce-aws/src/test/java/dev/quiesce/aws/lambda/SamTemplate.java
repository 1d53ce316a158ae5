package dev.quiesce.aws.lambda;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** The SAM template read as YAML, with CloudFormation's short-form intrinsics (!Ref, !Sub…) kept as {@link Intrinsic}s. */
final class SamTemplate {

    /** One short-form intrinsic function: its name (Ref, Sub, GetAtt, If…) and its argument. */
    record Intrinsic(String function, Object argument) {
    }

    /** The module's template; {@code -Dquiesce.template=FILE} points the tests at another (to see them fail on it). */
    static final Path FILE = Path.of(System.getProperty("quiesce.template", "template.yaml"));

    private SamTemplate() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load() throws IOException {
        LoaderOptions options = new LoaderOptions();
        Yaml yaml = new Yaml(new IntrinsicConstructor(options));
        try (Reader r = Files.newBufferedReader(FILE)) {
            return (Map<String, Object>) yaml.load(r);
        }
    }

    /** Every intrinsic anywhere below {@code node}. */
    static List<Intrinsic> intrinsics(Object node) {
        List<Intrinsic> out = new ArrayList<>();
        collect(node, out);
        return out;
    }

    private static void collect(Object node, List<Intrinsic> out) {
        if (node instanceof Intrinsic) {
            out.add((Intrinsic) node);
            collect(((Intrinsic) node).argument(), out);
        } else if (node instanceof Map) {
            for (Object v : ((Map<?, ?>) node).values()) {
                collect(v, out);
            }
        } else if (node instanceof List) {
            for (Object v : (List<?>) node) {
                collect(v, out);
            }
        }
    }

    private static final class IntrinsicConstructor extends SafeConstructor {
        IntrinsicConstructor(LoaderOptions options) {
            super(options);
            for (String fn : List.of("Ref", "Sub", "GetAtt", "If", "Not", "Equals", "And", "Or", "Join", "Select",
                    "Split", "FindInMap", "ImportValue", "Base64", "Condition", "GetAZs", "Cidr")) {
                this.yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        Object arg;
                        if (node instanceof ScalarNode) {
                            arg = constructScalar((ScalarNode) node);
                        } else if (node instanceof SequenceNode) {
                            arg = constructSequence((SequenceNode) node);
                        } else {
                            arg = constructMapping((MappingNode) node);
                        }
                        return new Intrinsic(fn, arg);
                    }
                });
            }
        }
    }
}
