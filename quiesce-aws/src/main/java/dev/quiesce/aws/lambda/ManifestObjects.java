package dev.quiesce.aws.lambda;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.manifest.Manifest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Producers' manifests among the arrivals: {@code <dataset prefix>_manifests/<producer>.json} (or a
 * {@code _SUCCESS} marker), as {@link Manifest} describes them, relative to the dataset's matched prefix
 * ({@code events/2024/05/01/_manifests/loader-a.json} declares for {@code events/2024-05-01}). A manifest is a
 * declaration, never data: it is not counted. Its removal withdraws nothing (the first close wins).
 */
final class ManifestObjects {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestObjects.class);

    /** A manifest's place: the dataset it declares for, its key relative to that dataset, and the prefix before. */
    record Place(String datasetId, String relativeKey, String base) {
    }

    private final List<Dataset> datasets;
    private final LandedObjects objects;
    private final Declarations declarations;

    ManifestObjects(List<Dataset> datasets, LandedObjects objects, Declarations declarations) {
        this.datasets = List.copyOf(datasets);
        this.objects = objects;
        this.declarations = declarations;
    }

    /** Where the arrival is a manifest, one place per dataset it declares for; empty for data. */
    List<Place> places(Arrival a) {
        List<Dataset> matched = dev.quiesce.engine.Router.bestMatches(datasets, a);
        List<Place> out = new ArrayList<>();
        if (matched.isEmpty()) {
            // unrouted arrivals count under the bucket; so do its manifests
            if (Manifest.isManifest(a.key(), Manifest.DEFAULT_DIRECTORY)) {
                out.add(new Place(a.bucket(), a.key(), ""));
            }
            return out;
        }
        int best = matched.get(0).match(a); // all tied: the same matched length
        String relative = a.key().substring(best);
        if (Manifest.isManifest(relative, Manifest.DEFAULT_DIRECTORY)) {
            for (Dataset d : matched) {
                out.add(new Place(d.instanceFor(a), relative, a.key().substring(0, best)));
            }
        }
        return out;
    }

    /**
     * Reads the manifest and declares it in each of its places.
     *
     * @throws dev.quiesce.MalformedEventException when it cannot be read: the event goes to the dead-letter queue
     */
    void declare(Arrival a, List<Place> places) {
        if (a.kind() != Arrival.Kind.CREATED) {
            LOG.info("manifest.removed bucket={} key={} action=\"none: a declaration is not withdrawn\"", a.bucket(), a.key());
            return;
        }
        Place first = places.get(0);
        if (objects == null && !first.relativeKey().endsWith(Manifest.SUCCESS_MARKER)) {
            throw new IllegalStateException("this monitor has no S3 client to read manifest " + a.key());
        }
        byte[] content = first.relativeKey().endsWith(Manifest.SUCCESS_MARKER) ? new byte[0] : objects.manifest(a);
        Manifest m = Manifest.read(a.key(), content);
        for (Place p : places) {
            // manifests list keys relative to their dataset's prefix; the tally keys objects whole
            declarations.declare(p.datasetId(), m, m.attribution().under(p.base()));
            LOG.info("manifest.declared dataset={} producer={} status={} key={}", p.datasetId(), m.producer(),
                    m.closed() ? "closed" : "open", a.key());
        }
    }
}
