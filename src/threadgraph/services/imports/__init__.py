"""Import of chat histories exported from other apps (and from threadgraph itself).

Each format has a parser module that turns one exported conversation into a
:class:`~threadgraph.services.imports.records.SourceChat`: messages with their source ids
and parent links, exactly as the export has them. :mod:`.tree` then checks the links
(cycles, dangling parents), leaves out what threadgraph does not keep (hidden, tool and
empty nodes, their children re-attached to the nearest kept ancestor) and derives the
graph ids; :mod:`.service` writes each conversation in its own transaction and reports
what was imported and what was skipped, and why.
"""
