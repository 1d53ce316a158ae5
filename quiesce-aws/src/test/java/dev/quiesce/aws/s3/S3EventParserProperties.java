package dev.quiesce.aws.s3;

import static dev.quiesce.aws.s3.Fixtures.record;
import static dev.quiesce.aws.s3.Fixtures.records;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.Arrival;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class S3EventParserProperties {

    private final S3EventParser parser = S3EventParser.create();

    /** Keys of any characters S3 allows (UTF-8, no lone surrogates), weighted towards the awkward ones. */
    @Provide
    Arbitrary<String> keys() {
        Arbitrary<Character> awkward = Arbitraries.of('+', ' ', '%', '/', '=', '&', '?', '#', ':', '~', 'é', '中', '"', '\\');
        Arbitrary<Character> any = Arbitraries.chars().range(' ', '\uD7FF');
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, awkward),
                        net.jqwik.api.Tuple.of(2, any),
                        net.jqwik.api.Tuple.of(2, Arbitraries.chars().alpha()))
                .list().ofMinSize(1).ofMaxSize(120)
                .map(cs -> {
                    StringBuilder b = new StringBuilder();
                    cs.forEach(b::append);
                    return b.toString();
                });
    }

    @Property
    void anyKeyRoundTripsThroughS3StyleUrlEncoding(@ForAll("keys") String key) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8); // what S3 puts in notifications

        assertThat(parser.parse(records(record("ObjectCreated:Put", encoded))).arrivals())
                .extracting(Arrival::key).containsExactly(key);
    }

    @Property
    void anyKeyOfACephRecordIsUsedAsStored(@ForAll("keys") String key) {
        ObjectNode r = record("ObjectCreated:Put", key);
        r.put("eventSource", "ceph:s3");

        assertThat(parser.parse(records(r)).arrivals()).extracting(Arrival::key).containsExactly(key);
    }

    @Provide
    Arbitrary<String> sequencers() {
        return Arbitraries.strings().withChars("0123456789ABCDEF").ofMinLength(1).ofMaxLength(S3EventParser.SEQUENCER_WIDTH);
    }

    /** S3: "compare the sequencer values after padding the shorter one with zeros on the right". */
    @Property
    void paddedSequencersCompareAsS3Says(@ForAll("sequencers") String a, @ForAll("sequencers") String b) {
        int width = Math.max(a.length(), b.length());
        BigInteger x = new BigInteger(a + "0".repeat(width - a.length()), 16);
        BigInteger y = new BigInteger(b + "0".repeat(width - b.length()), 16);

        int tokens = Integer.signum(S3EventParser.padSequencer(a).compareTo(S3EventParser.padSequencer(b)));

        assertThat(tokens).isEqualTo(Integer.signum(x.compareTo(y)));
    }
}
