// The one kind of error the link editor raises: a problem with the inputs or the script, described in
// one line a student can act on ("undefined reference to `foo' in main.o"). The CLI prints it and
// exits 1; nothing the inputs contain can make the linker throw anything else.

export class LinkError extends Error {}
