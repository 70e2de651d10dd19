package corral.isolator.docker.store;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A docker image name, {@code [HOST[:PORT]/]REPOSITORY[:TAG|@sha256:DIGEST]}, checked against the
 * reference grammar, so that it can safely name a file under {@code --docker_registry} (no
 * {@code ..}, no absolute path). Immutable.
 *
 * @param given the name as the operator wrote it
 * @param repository the repository with its host, such as {@code busybox} or {@code localhost:5000/a/b}
 * @param tag the tag; {@code latest} when neither tag nor digest was given
 * @param digest the digest ({@code sha256:<hex>}) when one was given
 */
public record ImageReference(String given, String repository, Optional<String> tag, Optional<String> digest) {

    private static final Pattern HOST = Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)"
            + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    /**
     * @param name an image name
     * @return the parsed reference
     * @throws IllegalArgumentException with a message naming the value and what is wrong
     */
    public static ImageReference parse(String name) {
        String rest = name;
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            if (!DIGEST.matcher(digest.get()).matches()) {
                throw invalid(name, "the digest must be sha256:<64 hex digits>");
            }
            rest = rest.substring(0, at);
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            if (!TAG.matcher(tag.get()).matches()) {
                throw invalid(name, "the tag '" + tag.get() + "' is not a valid tag");
            }
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty()) {
            throw invalid(name, "the repository is empty");
        }
        String[] parts = rest.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            boolean host = i == 0 && parts.length > 1
                    && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"));
            if (host ? !HOST.matcher(parts[i]).matches() : !COMPONENT.matcher(parts[i]).matches()) {
                throw invalid(name, "'" + parts[i] + "' is not a valid " + (host ? "registry host" : "repository component"));
            }
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of("latest");
        }
        return new ImageReference(name, rest, tag, digest);
    }

    private static IllegalArgumentException invalid(String name, String why) {
        return new IllegalArgumentException("Invalid docker image name '" + name + "': " + why);
    }

    /** @return the repository without {@code docker.io/} and {@code library/}, as archives' tags often omit them */
    public String shortRepository() {
        return shorten(repository);
    }

    /**
     * @param tagged a tag from an archive, such as {@code docker.io/library/busybox:latest}
     * @return whether it names this image
     */
    boolean matchesTag(String tagged) {
        if (tag.isEmpty()) {
            return false;
        }
        int colon = tagged.lastIndexOf(':');
        String repo = colon > tagged.lastIndexOf('/') ? tagged.substring(0, colon) : tagged;
        String t = colon > tagged.lastIndexOf('/') ? tagged.substring(colon + 1) : "latest";
        return shorten(repo).equals(shortRepository()) && t.equals(tag.get());
    }

    private static String shorten(String repo) {
        String r = repo;
        for (String prefix : new String[] {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
            if (r.startsWith(prefix)) {
                r = r.substring(prefix.length());
                break;
            }
        }
        return r.startsWith("library/") && r.indexOf('/', 8) < 0 ? r.substring(8) : r;
    }

    @Override
    public String toString() {
        return given;
    }
}
