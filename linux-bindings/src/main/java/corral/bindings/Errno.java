package corral.bindings;

/**
 * Linux errno values with their C names, so that errors read like {@code EACCES (Permission denied)}.
 * Thread-safe: immutable.
 *
 * @param number the errno value
 */
public record Errno(int number) {

    private static final String[][] TABLE = new String[134][];

    static {
        put(1, "EPERM", "Operation not permitted");
        put(2, "ENOENT", "No such file or directory");
        put(3, "ESRCH", "No such process");
        put(4, "EINTR", "Interrupted system call");
        put(5, "EIO", "Input/output error");
        put(7, "E2BIG", "Argument list too long");
        put(8, "ENOEXEC", "Exec format error");
        put(9, "EBADF", "Bad file descriptor");
        put(10, "ECHILD", "No child processes");
        put(11, "EAGAIN", "Resource temporarily unavailable");
        put(12, "ENOMEM", "Cannot allocate memory");
        put(13, "EACCES", "Permission denied");
        put(14, "EFAULT", "Bad address");
        put(15, "ENOTBLK", "Block device required");
        put(16, "EBUSY", "Device or resource busy");
        put(17, "EEXIST", "File exists");
        put(18, "EXDEV", "Invalid cross-device link");
        put(19, "ENODEV", "No such device");
        put(20, "ENOTDIR", "Not a directory");
        put(21, "EISDIR", "Is a directory");
        put(22, "EINVAL", "Invalid argument");
        put(23, "ENFILE", "Too many open files in system");
        put(24, "EMFILE", "Too many open files");
        put(25, "ENOTTY", "Inappropriate ioctl for device");
        put(26, "ETXTBSY", "Text file busy");
        put(27, "EFBIG", "File too large");
        put(28, "ENOSPC", "No space left on device");
        put(30, "EROFS", "Read-only file system");
        put(31, "EMLINK", "Too many links");
        put(32, "EPIPE", "Broken pipe");
        put(34, "ERANGE", "Numerical result out of range");
        put(36, "ENAMETOOLONG", "File name too long");
        put(38, "ENOSYS", "Function not implemented");
        put(39, "ENOTEMPTY", "Directory not empty");
        put(40, "ELOOP", "Too many levels of symbolic links");
        put(61, "ENODATA", "No data available");
        put(95, "EOPNOTSUPP", "Operation not supported");
        put(110, "ETIMEDOUT", "Connection timed out");
        put(122, "EDQUOT", "Disk quota exceeded");
    }

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** No child processes. */
    public static final int ECHILD = 10;
    /** Resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Inappropriate ioctl for device. */
    public static final int ENOTTY = 25;
    /** Numerical result out of range (also: a buffer too small). */
    public static final int ERANGE = 34;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Read-only file system. */
    public static final int EROFS = 30;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Directory not empty. */
    public static final int ENOTEMPTY = 39;
    /** Too many levels of symbolic links. */
    public static final int ELOOP = 40;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;

    private static void put(int number, String name, String text) {
        TABLE[number] = new String[] {name, text};
    }

    /** @return the C name, such as {@code EACCES}, or {@code errno N} for one not in the table */
    public String name() {
        String[] entry = number >= 0 && number < TABLE.length ? TABLE[number] : null;
        return entry != null ? entry[0] : "errno " + number;
    }

    /** @return the C library's description, such as {@code Permission denied} */
    public String description() {
        String[] entry = number >= 0 && number < TABLE.length ? TABLE[number] : null;
        return entry != null ? entry[1] : "Unknown error " + number;
    }

    @Override
    public String toString() {
        return name() + " (" + description() + ")";
    }
}
