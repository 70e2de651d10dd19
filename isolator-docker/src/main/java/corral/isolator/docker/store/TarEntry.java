package corral.isolator.docker.store;

/**
 * One member of a tar archive, after GNU long names and PAX headers were applied.
 *
 * @param name the member's path as written in the archive (not yet checked or normalised)
 * @param type the type flag: {@code '0'} file, {@code '1'} hard link, {@code '2'} symlink,
 *     {@code '3'} character device, {@code '4'} block device, {@code '5'} directory,
 *     {@code '6'} FIFO
 * @param mode the permission bits, including set-user-id, set-group-id and sticky
 * @param uid the owner's uid
 * @param gid the owner's gid
 * @param size the size of the member's content in bytes
 * @param mtimeSeconds the modification time, seconds since the epoch
 * @param linkName the target of a link, or {@code ""}
 * @param dataOffset where the member's content starts in the archive
 */
record TarEntry(String name, char type, int mode, long uid, long gid, long size, long mtimeSeconds, String linkName,
        long dataOffset) {

    static final char FILE = '0';
    static final char HARDLINK = '1';
    static final char SYMLINK = '2';
    static final char CHAR_DEVICE = '3';
    static final char BLOCK_DEVICE = '4';
    static final char DIRECTORY = '5';
    static final char FIFO = '6';
    static final char CONTIGUOUS = '7';

    boolean isFile() {
        return type == FILE || type == CONTIGUOUS;
    }

    /** @return the type as a word, for messages */
    String typeName() {
        return switch (type) {
            case FILE, CONTIGUOUS -> "file";
            case HARDLINK -> "hard link";
            case SYMLINK -> "symlink";
            case CHAR_DEVICE -> "character device";
            case BLOCK_DEVICE -> "block device";
            case DIRECTORY -> "directory";
            case FIFO -> "FIFO";
            default -> "entry of type '" + type + "'";
        };
    }
}
