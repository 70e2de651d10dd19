package corral.agent.launcher;

import corral.bindings.NativeException;
import corral.bindings.RootedPaths;
import corral.bindings.Users;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The users a container's task may run as: the host's (through NSS, as {@code getpwnam(3)} sees
 * them), or, for a container with a root filesystem, the image's ({@code /etc/passwd} and {@code /etc/group} inside it, read
 * with its symlinks kept inside, only as regular files of at most 1 MiB: the image is untrusted).
 * Immutable and thread-safe.
 */
public final class UserDatabase {

    /**
     * One user.
     *
     * @param name the name (the number itself for a numeric user without an entry)
     * @param uid the user id
     * @param gid the primary group id
     * @param listed whether the database has an entry for it
     */
    public record User(String name, long uid, long gid, boolean listed) {
    }

    private static final long MAX_BYTES = 1 << 20;
    /** (uid_t) -1. */
    private static final long NO_ID = 0xffffffffL;

    private final List<String> passwd; // null on the host: NSS
    private final List<String> group; // null on the host: its own group lookup applies
    private final String where;

    private UserDatabase(List<String> passwd, List<String> group, String where) {
        this.passwd = passwd;
        this.group = group;
        this.where = where;
    }

    /** @return the host's users */
    public static UserDatabase host() {
        return new UserDatabase(null, null, "on this host");
    }

    /**
     * @param rootfs a root filesystem
     * @return its users and groups
     * @throws LaunchException if a file is unreadable or too large
     */
    public static UserDatabase image(Path rootfs) throws LaunchException {
        return new UserDatabase(read(rootfs, "/etc/passwd"), read(rootfs, "/etc/group"), "in the image's /etc/passwd");
    }

    /** @return whether this is the host's database, whose supplementary groups the host's NSS knows */
    public boolean isHost() {
        return group == null;
    }

    /**
     * @param user a name, or a numeric uid
     * @return the user: its entry, else for a number that uid with the same gid, and for
     *     {@code root} uid and gid 0 (an image without {@code /etc/passwd} still runs as root)
     * @throws LaunchException if there is no such user, or its entry's ids are not numbers below
     *     4294967295 (which {@code setresuid} reads as "unchanged": the task would stay root)
     */
    public User find(String user) throws LaunchException {
        User found = passwd == null ? findOnHost(user) : findInFiles(user);
        if (found.uid() == NO_ID || found.gid() == NO_ID) {
            throw new LaunchException("Invalid user '" + user + "': uid or gid " + NO_ID + " is reserved (it means"
                    + " 'unchanged' to the kernel)");
        }
        return found;
    }

    private User findInFiles(String user) throws LaunchException {
        for (String line : passwd) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 4 && (fields[0].equals(user) || fields[2].equals(user) && isNumber(user))) {
                if (!isNumber(fields[2]) || !isNumber(fields[3])) {
                    throw new LaunchException("Invalid user '" + user + "': its entry " + where + " has uid '"
                            + fields[2] + "' and gid '" + fields[3] + "'");
                }
                return new User(fields[0], Long.parseLong(fields[2]), Long.parseLong(fields[3]), true);
            }
        }
        return unlisted(user);
    }

    /**
     * {@code initgroups} on an image's database: the primary group and every group that names the
     * user. Empty for a user without an entry, and on the host, where {@code setpriv --init-groups} asks the host's NSS.
     *
     * @param user a user of this database
     * @return the group ids
     */
    public List<Long> groups(User user) {
        if (group == null || !user.listed()) {
            return List.of();
        }
        Set<Long> gids = new LinkedHashSet<>(List.of(user.gid()));
        for (String line : group) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 4 && isNumber(fields[2]) && List.of(fields[3].split(",")).contains(user.name())) {
                gids.add(Long.parseLong(fields[2]));
            }
        }
        return List.copyOf(gids);
    }

    private User findOnHost(String user) throws LaunchException {
        try {
            Optional<Users.Passwd> entry = Users.getpwnam(user);
            if (entry.isEmpty() && isNumber(user)) {
                entry = Users.getpwuid(Long.parseLong(user));
            }
            if (entry.isPresent()) {
                return new User(entry.get().name(), entry.get().uid(), entry.get().gid(), true);
            }
        } catch (NativeException e) {
            throw new LaunchException("Failed to get user information for '" + user + "': " + e.getMessage(), e);
        }
        return unlisted(user);
    }

    private User unlisted(String user) throws LaunchException {
        if (isNumber(user)) {
            return new User(user, Long.parseLong(user), Long.parseLong(user), false);
        }
        if ("root".equals(user)) {
            return new User(user, 0, 0, false);
        }
        throw new LaunchException("Invalid user '" + user + "': no such user " + where);
    }

    private static boolean isNumber(String text) {
        return text.matches("\\d{1,10}") && Long.parseLong(text) <= 0xffffffffL;
    }

    private static List<String> read(Path rootfs, String path) throws LaunchException {
        try {
            Path file = RootedPaths.resolve(rootfs, path);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return List.of(); // nor a FIFO, which would block the agent
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new LaunchException("The image's '" + path + "' is larger than " + MAX_BYTES + " bytes");
            }
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new LaunchException("Cannot read the image's '" + path + "' in '" + rootfs + "': " + e, e);
        }
    }
}
