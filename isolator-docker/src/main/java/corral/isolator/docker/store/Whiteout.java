package corral.isolator.docker.store;

/**
 * A deletion a layer makes in the layers below it: one path ({@code .wh.<name>}) or the whole
 * previous content of a directory ({@code .wh..wh..opq}).
 *
 * @param path the path inside the root filesystem, relative, {@code /}-separated, already checked
 * @param opaque whether {@code path} is a directory whose lower content is hidden (rather than a
 *     removed path)
 */
public record Whiteout(String path, boolean opaque) {

    /** @return the line that records it in a layer's {@code whiteouts} file */
    String line() {
        return (opaque ? "opaque " : "remove ") + path;
    }

    /**
     * @param line a line of a {@code whiteouts} file
     * @return the whiteout it records
     */
    static Whiteout parse(String line) {
        if (line.startsWith("opaque ")) {
            return new Whiteout(line.substring(7), true);
        }
        if (line.startsWith("remove ")) {
            return new Whiteout(line.substring(7), false);
        }
        throw new IllegalArgumentException("bad whiteouts line '" + line + "'");
    }
}
