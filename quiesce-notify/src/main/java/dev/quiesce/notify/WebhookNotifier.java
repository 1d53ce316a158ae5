package dev.quiesce.notify;

import static java.util.Objects.requireNonNull;

import dev.quiesce.DeliveryFailedException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.port.Notifier;
import io.cloudevents.jackson.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each lifecycle event to an HTTP endpoint as a structured-mode CloudEvent
 * ({@code Content-Type: application/cloudevents+json}), optionally signed with HMAC-SHA256.
 *
 * <p>The CloudEvent has {@code id} = the event id {@code <observation>/<transition>} (the same on every
 * retry, so receivers drop duplicates by it), {@code type} = {@link dev.quiesce.EventType#cloudEventType()}
 * (e.g. {@code dev.quiesce.observation.completed}), {@code source} = the configured source,
 * {@code subject} = the dataset id, {@code time} = when the transition was decided, and {@code data} =
 * the event fields as {@code application/json}, counters as numbers.
 *
 * <p>With a secret, the request carries {@value #SIGNATURE_HEADER}{@code : sha256=<hex>}, the lowercase
 * hex HMAC-SHA256 of the exact body bytes under the UTF-8 bytes of the secret. Receivers check it with
 * {@link #verify(byte[], String, String)} or the same few lines in their own language.
 *
 * <p>A 2xx response is success. Any other status (redirects are not followed), a connection failure or
 * no complete response within the timeout throws {@link DeliveryFailedException} with the status and a
 * short excerpt of the response body, or the I/O cause; {@link dev.quiesce.engine.OutboxRelay} retries it.
 *
 * <p>Defaults: no secret, timeout {@link #DEFAULT_TIMEOUT} (for connecting and for the whole exchange),
 * source {@code urn:quiesce}. The notifier is named {@code "webhook"} and acts on terminal events only.
 * Instances are immutable and thread-safe; each holds one {@link HttpClient}.
 *
 * <pre>{@code
 * Notifier webhook = WebhookNotifier.builder(URI.create("https://jobs.example.com/quiesce"))
 *         .secret(System.getenv("QUIESCE_WEBHOOK_SECRET"))
 *         .timeout(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 */
public final class WebhookNotifier implements Notifier {

    /** The header that carries the signature. */
    public static final String SIGNATURE_HEADER = "X-Quiesce-Signature";

    /** How long to wait for a connection and for the whole exchange unless configured: 10 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The CloudEvents {@code source} unless configured: {@code urn:quiesce}. */
    public static final URI DEFAULT_SOURCE = StructuredCloudEvent.DEFAULT_SOURCE;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final String SIGNATURE_PREFIX = "sha256=";
    private static final String HMAC = "HmacSHA256";
    private static final int EXCERPT_BYTES = 200;

    private final URI url;
    private final SecretKeySpec key;
    private final Duration timeout;
    private final URI source;
    private final HttpClient client;

    private WebhookNotifier(Builder b) {
        this.url = b.url;
        this.key = b.secret == null ? null : keyOf(b.secret);
        this.timeout = b.timeout;
        this.source = b.source;
        this.client = HttpClient.newBuilder()
                .connectTimeout(b.timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Starts configuring a notifier that POSTs to {@code url}.
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} is not an absolute http or https URL with a host
     */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    /** Returns {@code "webhook"}. */
    @Override
    public String name() {
        return "webhook";
    }

    /**
     * POSTs the event and waits for the response.
     *
     * @throws DeliveryFailedException if the response is not 2xx, the connection fails, no complete
     *     response arrives within the timeout, or the waiting thread is interrupted
     */
    @Override
    public void deliver(LifecycleEvent event) {
        byte[] body = StructuredCloudEvent.serialize(event, source);
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", JsonFormat.CONTENT_TYPE + "; charset=utf-8")
                .header("User-Agent", "quiesce")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header(SIGNATURE_HEADER, SIGNATURE_PREFIX + hex(mac(key, body)));
        }
        CompletableFuture<HttpResponse<String>> sent =
                client.sendAsync(request.build(), info -> new Excerpt(EXCERPT_BYTES));
        HttpResponse<String> response;
        try {
            // the request timeout covers the response headers only; this bounds the body too
            response = sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw new DeliveryFailedException("webhook " + url + " timed out after " + timeout, e);
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw new DeliveryFailedException("interrupted while posting to webhook " + url, e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            String excerpt = response.body();
            throw new DeliveryFailedException("webhook " + url + " answered HTTP " + status
                    + (excerpt.isEmpty() ? "" : ": " + excerpt));
        }
        LOG.debug("notify.webhook.delivered event={} url={} status={} bytes={} signed={}", event.id(), url, status,
                body.length, key != null);
    }

    /**
     * Checks a signature header against a body, as a receiver does: {@code true} only if
     * {@code header} is {@code sha256=<hex>} and the hex is the HMAC-SHA256 of {@code body} under
     * {@code secret}. The digests are compared in constant time. Hex digits may be either case.
     *
     * @param body the request body exactly as received
     * @param header the {@value #SIGNATURE_HEADER} header value, or {@code null} when absent
     * @param secret the shared secret
     * @return whether the signature is valid; {@code false} for an absent or malformed header
     * @throws NullPointerException if {@code body} or {@code secret} is null
     * @throws IllegalArgumentException if {@code secret} is empty
     */
    public static boolean verify(byte[] body, String header, String secret) {
        requireNonNull(body, "body");
        SecretKeySpec key = keyOf(secret);
        if (header == null || !header.regionMatches(true, 0, SIGNATURE_PREFIX, 0, SIGNATURE_PREFIX.length())) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(SIGNATURE_PREFIX.length()).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(key, body), given);
    }

    /** The header value for a body: {@code sha256=<lowercase hex>}. Package-private for tests. */
    static String signature(byte[] body, String secret) {
        return SIGNATURE_PREFIX + hex(mac(keyOf(secret), body));
    }

    @Override
    public String toString() {
        return "WebhookNotifier[url=" + url + ", signed=" + (key != null) + ", timeout=" + timeout
                + ", source=" + source + "]";
    }

    private DeliveryFailedException failure(Throwable cause) {
        if (cause instanceof HttpTimeoutException) {
            return new DeliveryFailedException("webhook " + url + " timed out after " + timeout, cause);
        }
        if (cause instanceof ConnectException) {
            return new DeliveryFailedException("webhook " + url + " could not be reached (connection refused or"
                    + " host unreachable): " + describe(cause), cause);
        }
        if (cause instanceof IOException) {
            return new DeliveryFailedException("webhook " + url + " failed: " + describe(cause), cause);
        }
        return new DeliveryFailedException("webhook " + url + " failed unexpectedly: " + describe(cause), cause);
    }

    /** {@code ConnectException: msg}, or the chain of class names where the JDK gives no message. */
    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 300; c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                return sb.append(": ").append(c.getMessage()).toString();
            }
        }
        return sb.toString();
    }

    private static SecretKeySpec keyOf(String secret) {
        requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty; pass null for unsigned requests");
        }
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
    }

    private static byte[] mac(SecretKeySpec key, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC); // Mac is stateful: one per call keeps the notifier thread-safe
            mac.init(key);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes).toLowerCase(Locale.ROOT);
    }

    /** Configures a {@link WebhookNotifier}. Not thread-safe; {@link #build()} may be called repeatedly. */
    public static final class Builder {

        private final URI url;
        private String secret;
        private Duration timeout = DEFAULT_TIMEOUT;
        private URI source = DEFAULT_SOURCE;

        private Builder(URI url) {
            requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                throw new IllegalArgumentException("url must be an absolute http or https URL with a host, was " + url);
            }
            this.url = url;
        }

        /**
         * Signs every request with this shared secret; {@code null} (the default) sends unsigned requests.
         *
         * @throws IllegalArgumentException if {@code secret} is empty
         */
        public Builder secret(String secret) {
            if (secret != null && secret.isEmpty()) {
                throw new IllegalArgumentException("secret must not be empty; pass null for unsigned requests");
            }
            this.secret = secret;
            return this;
        }

        /**
         * How long to wait for the connection and for the complete response; default {@link #DEFAULT_TIMEOUT}.
         *
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder timeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * The CloudEvents {@code source} attribute; default {@code urn:quiesce}. Use one per deployment
         * (e.g. {@code https://quiesce.example.com/prod}) when several send to one receiver.
         *
         * @throws NullPointerException if {@code source} is null
         */
        public Builder source(URI source) {
            this.source = requireNonNull(source, "source");
            return this;
        }

        /** A new notifier with the current settings; later changes to this builder do not affect it. */
        public WebhookNotifier build() {
            return new WebhookNotifier(this);
        }
    }

    /** Keeps the first bytes of a response body and discards the rest, so a huge body costs no memory. */
    private static final class Excerpt implements HttpResponse.BodySubscriber<String> {

        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final int limit;
        private boolean truncated;

        Excerpt(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), limit - kept.size());
                if (n > 0) {
                    byte[] a = new byte[n];
                    b.get(a);
                    kept.write(a, 0, n);
                }
                if (b.hasRemaining()) {
                    truncated = true;
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            String text = kept.toString(StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}+", " ").strip();
            result.complete(truncated ? text + "..." : text);
        }
    }
}
