package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one observation watches: a bucket (or directory) and the key prefixes within it.
 *
 * <p>An empty prefix list, or the prefix {@code ""}, means the whole bucket. A prefix may name its
 * date parts with {@code {yyyy}}, {@code {MM}}, {@code {dd}} and {@code {HH}}, the way Kinesis Data
 * Firehose lays out keys ({@code events/{yyyy}/{MM}/{dd}/}), or with {@code {date}} ({@code 2024-05-01})
 * and {@code {hour}} ({@code 13}), as Hive-style partitions do ({@code events/dt={date}/}): each date
 * then is a dataset of its own,
 * {@code <id>/<yyyy-MM-dd[THH]>}, with its own tally and its own run, so no tally grows without end.
 * Instances are immutable.
 *
 * @param id the name the tally is kept under (plus the date, for a dated prefix)
 * @param bucket the bucket or directory
 * @param prefixes key prefixes that belong to this dataset
 */
public record Dataset(String id, String bucket, List<String> prefixes) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(yyyy|MM|dd|HH|date|hour)}");

    public Dataset {
        requireNonNull(id, "id");
        requireNonNull(bucket, "bucket");
        if (id.isBlank()) {
            throw new IllegalArgumentException("dataset id must not be blank");
        }
        prefixes = prefixes == null || prefixes.isEmpty() ? List.of("") : List.copyOf(prefixes);
        for (String p : prefixes) {
            String rest = PLACEHOLDER.matcher(p).replaceAll("");
            if (rest.contains("{") || rest.contains("}")) {
                throw new InvalidConfigurationException("prefix '" + p + "' of dataset '" + id
                        + "' has a placeholder other than {yyyy}, {MM}, {dd}, {HH}, {date} and {hour}");
            }
        }
    }

    /** A dataset over the given prefixes of a bucket (the whole bucket when none are given). */
    public static Dataset of(String id, String bucket, String... prefixes) {
        return new Dataset(id, bucket, List.of(prefixes));
    }

    /** Whether a prefix names date parts, so that each date is a dataset of its own. */
    public boolean dated() {
        return prefixes.stream().anyMatch(p -> PLACEHOLDER.matcher(p).find());
    }

    /**
     * The length of the longest of this dataset's prefixes that the arrival's key starts with, or -1
     * when the arrival is not part of this dataset. Routing picks the longest match.
     */
    public int match(Arrival arrival) {
        return matching(arrival).map(m -> m.length).orElse(-1);
    }

    /**
     * The dataset the arrival is counted in: this one's id, or for a dated prefix the id with the date
     * its key names ({@code events/2024-05-01}).
     *
     * @throws IllegalArgumentException if the arrival is not part of this dataset
     */
    public String instanceFor(Arrival arrival) {
        Match m = matching(arrival).orElseThrow(() -> new IllegalArgumentException(
                "key '" + arrival.key() + "' in '" + arrival.bucket() + "' is not part of dataset '" + id + "'"));
        return m.date.isEmpty() ? id : id + "/" + m.date;
    }

    private Optional<Match> matching(Arrival arrival) {
        if (!bucket.equals(arrival.bucket())) {
            return Optional.empty();
        }
        Match best = null;
        for (String prefix : prefixes) {
            Match m = matchPrefix(prefix, arrival.key());
            if (m != null && (best == null || m.length > best.length)) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Match matchPrefix(String prefix, String key) {
        Matcher names = PLACEHOLDER.matcher(prefix);
        if (!names.find()) {
            return key.startsWith(prefix) ? new Match(prefix.length(), "") : null;
        }
        StringBuilder regex = new StringBuilder();
        List<String> parts = new ArrayList<>();
        int last = 0;
        names.reset();
        while (names.find()) {
            regex.append(Pattern.quote(prefix.substring(last, names.start())));
            String part = names.group(1);
            regex.append(part.equals("yyyy") ? "(\\d{4})" : part.equals("date") ? "(\\d{4}-\\d{2}-\\d{2})" : "(\\d{2})");
            parts.add(names.group(1));
            last = names.end();
        }
        regex.append(Pattern.quote(prefix.substring(last)));
        Matcher m = Pattern.compile(regex.toString()).matcher(key);
        if (!m.lookingAt()) {
            return null;
        }
        String y = "";
        String mo = "";
        String d = "";
        String h = "";
        for (int i = 0; i < parts.size(); i++) {
            String v = m.group(i + 1);
            switch (parts.get(i)) {
                case "yyyy": y = v; break;
                case "MM": mo = v; break;
                case "dd": d = v; break;
                case "date": y = v; break;
                default: h = v;
            }
        }
        StringBuilder date = new StringBuilder(y);
        for (String part : new String[] {mo, d}) {
            if (!part.isEmpty()) {
                date.append(date.length() > 0 ? "-" : "").append(part);
            }
        }
        if (!h.isEmpty()) {
            date.append('T').append(h);
        }
        return new Match(m.end(), date.toString());
    }

    private record Match(int length, String date) {
    }
}
