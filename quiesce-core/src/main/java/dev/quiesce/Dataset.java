package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
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
 * and {@code {hour}} ({@code 13}), as Hive-style partitions do ({@code events/dt={date}/}), or with {@code {run}},
 * the run key of a stream partitioned by its records' run ({@code events/{run}/}: a name of
 * {@code [A-Za-z0-9._=-]}, without a calendar period, so its run is not held for a day's end): each date
 * then is a dataset of its own,
 * {@code <id>/<yyyy-MM-dd[THH]>}, with its own tally and its own run, so no tally grows without end.
 * Its period ends, in UTC (Firehose's default for its prefixes), at the next midnight for a date, the next
 * hour with {@code {HH}}, the first of the next month for {@code {yyyy}/{MM}} alone and the next year for
 * {@code {yyyy}} alone; see {@link #instance}. Instances are immutable.
 *
 * @param id the name the tally is kept under (plus the date, for a dated prefix)
 * @param bucket the bucket or directory
 * @param prefixes key prefixes that belong to this dataset
 */
public record Dataset(String id, String bucket, List<String> prefixes) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(yyyy|MM|dd|HH|date|hour|run)}");

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
                        + "' has a placeholder other than {yyyy}, {MM}, {dd}, {HH}, {date}, {hour} and {run}");
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
     * Where an arrival of a dataset is counted, and until when its period runs.
     *
     * @param id the dataset the arrival is counted in ({@code events}, or {@code events/2024-05-01})
     * @param periodEnd the end of the period the key names, or {@code null} for an undated prefix, and for a
     *     key whose date parts are no calendar date ({@code 2024/13/01}) or name no year
     */
    public record Instance(String id, Instant periodEnd) {
        public Instance {
            requireNonNull(id, "id");
        }
    }

    /**
     * The dataset the arrival is counted in, and the end of the period its key names: the UTC date and hour
     * parts read from the year down, a part below a missing one ignored, so {@code 2024-05-01} ends at
     * {@code 2024-05-02T00:00:00Z}, {@code 2024-05-01T23} at the next midnight, {@code 2024-02} on
     * {@code 2024-03-01} and {@code 2024} on {@code 2025-01-01}. A key whose parts are no calendar date is
     * still counted under the id it names, without a period.
     *
     * @throws IllegalArgumentException if the arrival is not part of this dataset
     */
    public Instance instance(Arrival arrival) {
        Match m = matching(arrival).orElseThrow(() -> new IllegalArgumentException(
                "key '" + arrival.key() + "' in '" + arrival.bucket() + "' is not part of dataset '" + id + "'"));
        return m.date.isEmpty() ? new Instance(id, null) : new Instance(id + "/" + m.date, m.periodEnd);
    }

    /**
     * The dataset the arrival is counted in: this one's id, or for a dated prefix the id with the date
     * its key names ({@code events/2024-05-01}).
     *
     * @throws IllegalArgumentException if the arrival is not part of this dataset
     */
    public String instanceFor(Arrival arrival) {
        return instance(arrival).id();
    }

    /**
     * The end of the period the arrival's key names (see {@link #instance}); empty for an undated prefix or
     * a key that names no calendar period.
     *
     * @throws IllegalArgumentException if the arrival is not part of this dataset
     */
    public Optional<Instant> periodEndFor(Arrival arrival) {
        return Optional.ofNullable(instance(arrival).periodEnd());
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
            return key.startsWith(prefix) ? new Match(prefix.length(), "", null) : null;
        }
        StringBuilder regex = new StringBuilder();
        List<String> parts = new ArrayList<>();
        int last = 0;
        names.reset();
        while (names.find()) {
            regex.append(Pattern.quote(prefix.substring(last, names.start())));
            String part = names.group(1);
            regex.append(part.equals("yyyy") ? "(\\d{4})" : part.equals("date") ? "(\\d{4}-\\d{2}-\\d{2})"
                    : part.equals("run") ? "([A-Za-z0-9][A-Za-z0-9._=-]*)" : "(\\d{2})");
            parts.add(names.group(1));
            last = names.end();
        }
        regex.append(Pattern.quote(prefix.substring(last)));
        Matcher m = Pattern.compile(regex.toString()).matcher(key);
        if (!m.lookingAt()) {
            return null;
        }
        String run = "";
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
                case "run": run = v; break;
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
        if (!run.isEmpty()) {
            // a run the records name is over when its producers say so, not when a calendar period ends
            return new Match(m.end(), run, null);
        }
        return new Match(m.end(), date.toString(), periodEnd(y, mo, d, h));
    }

    /** The end of the period the parts name, in UTC; {@code null} without a year or for no calendar date. */
    private static Instant periodEnd(String year, String month, String day, String hour) {
        if (year.isEmpty()) {
            return null;
        }
        try {
            if (year.length() > 4) { // {date}: yyyy-MM-dd in one part
                return end(LocalDate.parse(year), hour);
            }
            int y = Integer.parseInt(year);
            if (month.isEmpty()) {
                return LocalDate.of(y + 1, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            int mo = Integer.parseInt(month);
            if (day.isEmpty()) {
                return LocalDate.of(y, mo, 1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return end(LocalDate.of(y, mo, Integer.parseInt(day)), hour);
        } catch (DateTimeException e) {
            // a key like 2024/13/01 is still counted under the date it names; it just has no period to wait for
            return null;
        }
    }

    /** The end of the day, or of the hour of it when one is named. */
    private static Instant end(LocalDate date, String hour) {
        if (hour.isEmpty()) {
            return date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return date.atTime(LocalTime.of(Integer.parseInt(hour), 0)).plusHours(1).toInstant(ZoneOffset.UTC);
    }

    private record Match(int length, String date, Instant periodEnd) {
    }
}
