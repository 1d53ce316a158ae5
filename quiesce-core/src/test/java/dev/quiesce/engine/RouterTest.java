package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Routes carry the end of the period a dated key names, and none otherwise. */
class RouterTest {

    private static final Instant T = Instant.parse("2024-05-02T00:00:40Z");

    private final Router router = new Router(List.of(
            Dataset.of("daily", "bucket", "daily/{yyyy}/{MM}/{dd}/"),
            Dataset.of("hourly", "bucket", "hourly/{yyyy}/{MM}/{dd}/{HH}/"),
            Dataset.of("monthly", "bucket", "monthly/{yyyy}/{MM}/"),
            Dataset.of("plain", "bucket", "plain/")));

    private List<Router.Route> route(String key) {
        return router.route(Arrival.created("bucket", key, 1, T, key));
    }

    @Test
    void aDatedRouteCarriesTheEndOfTheDayItsKeyNamesNotOfItsArrival() {
        // an object named 23:59 that landed just after midnight belongs to the day it names
        assertThat(route("daily/2024/05/01/23/part-23-59")).containsExactly(
                new Router.Route("daily/2024-05-01", true, Instant.parse("2024-05-02T00:00:00Z")));
    }

    @Test
    void hourAndMonthRoutesEndWithTheirHourAndMonth() {
        assertThat(route("hourly/2024/05/01/23/p")).containsExactly(
                new Router.Route("hourly/2024-05-01T23", true, Instant.parse("2024-05-02T00:00:00Z")));
        assertThat(route("hourly/2024/02/29/09/p")).containsExactly(
                new Router.Route("hourly/2024-02-29T09", true, Instant.parse("2024-02-29T10:00:00Z")));
        assertThat(route("monthly/2024/02/p")).containsExactly(
                new Router.Route("monthly/2024-02", true, Instant.parse("2024-03-01T00:00:00Z")));
    }

    @Test
    void undatedAndUnroutedArrivalsHaveNoPeriod() {
        assertThat(route("plain/x")).containsExactly(new Router.Route("plain", false, null));
        assertThat(route("elsewhere/x")).containsExactly(new Router.Route("bucket", false));
    }

    @Test
    void anInvalidDateIsRoutedAsItIsNamedWithoutAPeriod() {
        assertThat(route("daily/2024/13/01/x")).containsExactly(new Router.Route("daily/2024-13-01", true, null));
    }
}
