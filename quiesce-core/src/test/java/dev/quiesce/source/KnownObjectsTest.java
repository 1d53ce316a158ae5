package dev.quiesce.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Arrival;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownObjectsTest {

    private static final Instant T1 = Instant.parse("2024-05-01T00:00:01.123456789Z");
    private final KnownObjects known = new KnownObjects("b");

    private Arrival report(String key, long size, Instant modified, String version, String token) {
        Arrival a = known.created(key, size, modified, version, token);
        if (a != null) {
            known.reported(a);
        }
        return a;
    }

    @Test
    void aFileTokenIsKeptPackedAndReadsBackTheSame() {
        String v = "1714521601123456789:10";
        Arrival first = report("d/e/f.json", 10, T1, v, v);
        assertThat(first.dedupeToken()).isEqualTo(v);
        assertThat(known.created("d/e/f.json", 10, T1, v, v)).as("unchanged").isNull();
        assertThat(known.present("d/e/f.json")).isTrue();
        assertThat(known.present("d/e/g.json")).isFalse();
        assertThat(known.present("d/f.json")).isFalse();
        assertThat(known.size()).isEqualTo(1);
        assertThat(known.packed("d/e/f.json")).as("a file's state takes no objects").isTrue();
        // removed and back at the same content and time: a new token, a later event time
        Arrival removal = known.removed("d/e/f.json", T1.plusSeconds(5));
        assertThat(removal.dedupeToken()).isEqualTo("removed:" + v);
        known.reported(removal);
        assertThat(known.packed("d/e/f.json")).as("nor does its tombstone").isTrue();
        assertThat(known.present("d/e/f.json")).isFalse();
        Arrival again = report("d/e/f.json", 10, T1, v, v);
        assertThat(again.dedupeToken()).isEqualTo(v + "/" + T1.plusSeconds(5).plusNanos(1));
        assertThat(again.eventTime()).isEqualTo(T1.plusSeconds(5).plusNanos(1));
    }

    @Test
    void versionsThatDoNotPackAreKeptWhole() {
        assertThat(KnownObjects.pack("12:34")).containsExactly(12, 34);
        assertThat(KnownObjects.pack("1796177900696350952:12")).as("epoch nanos of today have 19 digits")
                .containsExactly(1796177900696350952L, 12);
        assertThat(KnownObjects.pack("9999999999999999999:12")).as("beyond a long").isNull();
        assertThat(KnownObjects.pack("012:34")).as("would print back differently").isNull();
        assertThat(KnownObjects.pack("\"etag\":34")).isNull();
        assertThat(KnownObjects.pack("12:")).isNull();
        report("s3/k", 3, T1, "\"e1\":3", "\"e1\":3@1000");
        assertThat(known.created("s3/k", 3, T1, "\"e1\":3", "\"e1\":3@1000")).isNull();
        Arrival changed = report("s3/k", 4, T1.plusSeconds(1), "\"e2\":4", "\"e2\":4@2000");
        assertThat(changed.dedupeToken()).isEqualTo("\"e2\":4@2000");
        Arrival back = report("s3/k", 3, T1.plusSeconds(2), "\"e1\":3", "\"e1\":3@1000");
        assertThat(back.dedupeToken()).as("a token the key had before gets a suffix")
                .isEqualTo("\"e1\":3@1000/" + T1.plusSeconds(2));
    }

    @Test
    void aPassFindsThePresentKeysItDidNotList() {
        for (String k : List.of("a", "x/1", "x/2", "x/y/3", "x-z/4", "xx/5")) {
            report(k, 1, T1, "1:1", "1:1");
        }
        known.reported(known.removed("x/2", T1.plusSeconds(1)));
        known.startPass();
        known.seen("x/1");
        known.seen("unknown");
        assertThat(known.notSeen("x", k -> false)).containsExactly("x/y/3");
        assertThat(known.notSeen(null, k -> k.startsWith("xx/"))).containsExactly("a", "x-z/4", "x/y/3");
        assertThat(known.notSeen("a", k -> false)).as("a scope that is a key").containsExactly("a");
        // what a pass reports counts as listed in it
        report("x/new", 1, T1, "2:1", "2:1");
        assertThat(known.notSeen("x", k -> false)).containsExactly("x/y/3");
        known.startPass();
        assertThat(known.gone("x", k -> k.equals("x/1"))).containsExactly("x/new", "x/y/3");
    }

    @Test
    void manyKeysInOneDirectoryStayFindable() {
        for (int i = 0; i < 20_000; i++) {
            report("dir/f-" + i, i, T1, "1:" + i, "1:" + i);
        }
        for (int i = 0; i < 20_000; i++) {
            assertThat(known.created("dir/f-" + i, i, T1, "1:" + i, "1:" + i)).isNull();
        }
        assertThat(known.size()).isEqualTo(20_000);
        assertThatThrownBy(() -> known.removed("dir/none", T1)).isInstanceOf(IllegalStateException.class);
    }
}
