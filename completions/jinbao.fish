# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_jinbao_global_optspecs
    string join \n profiles= env= set= state-dir= json v/verbose q/quiet y/yes show-personal-data color= h/help V/version
end

function __fish_jinbao_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_jinbao_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_jinbao_using_subcommand
    set -l cmd (__fish_jinbao_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c jinbao -n "__fish_jinbao_needs_command" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_needs_command" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_needs_command" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_needs_command" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_needs_command" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_needs_command" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_needs_command" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_needs_command" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_needs_command" -s y -l yes -d 'Answer yes to confirmations. Given before the command for scripts written when every command took it; the commands that ask take `--yes` themselves'
complete -c jinbao -n "__fish_jinbao_needs_command" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_needs_command" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_needs_command" -s V -l version -d 'Print version'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "profile" -d 'List, show, validate and compare profiles'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "ping" -d 'Connect to every server of the target: reachability, latency and basic facts'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "exec" -d 'Run a command on every server of the target'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "provision" -d 'Build servers from their profile: plan, apply'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "net" -d 'Network checks: routes and endpoints from every server'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "release" -d 'Releases of the unified application: pack, inspect'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "rollout" -d 'Roll a release out city by city, wave by wave'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "rollback" -d 'Switch a city back to its previous release'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "releases" -d 'What is installed on each server, and which release is current'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "health" -d 'Health of servers, services and databases (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "status" -d 'Where every city stands: milestones, score, release, health, data, schema'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "report" -d 'The province\'s assessment as one HTML page, or its table as CSV or Markdown'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "data" -d 'County data: synth, import, check, compare, progress'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "db" -d 'Databases: init, migrate, status, drift, baseline, repair'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "lock" -d 'Locks: who holds what, since when (break one with `rollout unlock`)'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "audit" -d 'The audit log: every change jinbao made, who made it, when and how it ended'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c jinbao -n "__fish_jinbao_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -f -a "list" -d 'Every city: code, name, pinyin, wave, servers, database engine'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -f -a "show" -d 'The effective profile of one city (pinyin, Chinese name or code)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -f -a "validate" -d 'Check every profile (or the named cities); exit 2 on any error'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -f -a "diff" -d 'How two cities\' effective profiles differ'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and not __fish_seen_subcommand_from list show validate diff help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -l province -d 'Also list the province center (marked as kind "province")'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -l origin -d 'Show the file and line each value comes from'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every city: code, name, pinyin, wave, servers, database engine'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "show" -d 'The effective profile of one city (pinyin, Chinese name or code)'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check every profile (or the named cities); exit 2 on any error'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "diff" -d 'How two cities\' effective profiles differ'
complete -c jinbao -n "__fish_jinbao_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l role -d 'Only servers with this role (db, app, web, gateway)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand ping" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l role -d 'Only servers with this role (db, app, web, gateway)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l timeout -d 'Give up on a host\'s command after this long (default: the profile\'s command_timeout)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand exec" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -f -a "plan" -d 'What would change on every server (exit 0: nothing, 3: changes pending, 1: error); --out records it for `provision apply FILE`'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -f -a "apply" -d 'Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a plan FILE recorded them (a city whose servers moved since is refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and not __fish_seen_subcommand_from plan apply help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l role -d 'Only servers with this role (db, app, web, gateway)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l out -d 'Also write the plan to FILE (JSON), for `provision apply FILE`' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l diff -d 'Show unified diffs of files'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l role -d 'Only servers with this role (db, app, web, gateway)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l override-window -d 'Change a city outside its maintenance window, recording why' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l diff -d 'Show unified diffs of files'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l dry-run -d 'Show what would change, change nothing (the same as `provision plan`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l fail-fast -d 'Stop every host at the first failure on any host'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from help" -f -a "plan" -d 'What would change on every server (exit 0: nothing, 3: changes pending, 1: error); --out records it for `provision apply FILE`'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a plan FILE recorded them (a city whose servers moved since is refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand provision; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Check every server\'s routes and TCP endpoints (exit 1 when one fails)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l role -d 'Only servers with this role (db, app, web, gateway)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check every server\'s routes and TCP endpoints (exit 1 when one fails)'
complete -c jinbao -n "__fish_jinbao_using_subcommand net; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -f -a "pack" -d 'Pack a folder (or a tarball\'s contents) as a release: sorted entries, fixed times'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -f -a "inspect" -d 'Show a release\'s manifest and verify its checksum and every entry'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and not __fish_seen_subcommand_from pack inspect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l version -d 'Release version [default: the folder\'s VERSION file]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l schema -d 'Schema version the release needs in the city databases' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l name -d 'Application name [default: jinbao-unified]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l health -d 'Health check, relative to the release [default: the executable named *health*]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l out -d 'Where the release goes: a file name ending in .tar.gz (its manifest beside it), or a folder (as <name>-<version>.tar.gz)' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from pack" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from help" -f -a "pack" -d 'Pack a folder (or a tarball\'s contents) as a release: sorted entries, fixed times'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show a release\'s manifest and verify its checksum and every entry'
complete -c jinbao -n "__fish_jinbao_using_subcommand release; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -s j -l jobs -d 'Cities rolled out at once (servers at once: --host-jobs)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l batch -d 'Servers of a city switched at once: a number or a percentage [default: all]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l max-failures -d 'Failed cities (unreachable servers count) tolerated before no new city starts' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l lock-wait -d 'Wait this long for a city lock another rollout holds' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l stale-after -d 'A lock older than this is reported as stale' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l override-window -d 'Change cities outside their maintenance window, recording why' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l no-restore-point -d 'Go on where no restore point (a backup of the city database) can be taken first, recording why' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l events -d 'Stream one versioned JSON event per line on stdout as it happens' -r -f -a "ndjson\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l host-jobs -d 'Servers worked on at once across the whole run' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l no-pause -d 'Go on to the next wave without asking'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l migrate -d 'Migrate a city database that is behind the release\'s schema first'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l provision -d 'Provision each city\'s servers (plan and apply) before deploying'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l allow-downgrade -d 'Roll out a release older than the one a city runs (`rollback` is the usual way back)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l timings -d 'Show where the time went: the critical path (the phases of the hosts the run waited on) and each phase over all hosts (with --json: a `timings` section)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -s y -l yes -d 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l resume -d 'Go on with the interrupted (or paused) rollout recorded in the journal'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -a "plan" -d 'Record per city and server the current release, the steps and the facts they rely on'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -a "apply" -d 'Execute a recorded plan; a city whose facts moved since is refused'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -a "unlock" -d 'Break the rollout lock of a city (recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -a "abandon" -d 'Give up the unfinished rollout (after damage, or when it cannot go on); servers stay as they are'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and not __fish_seen_subcommand_from plan apply unlock abandon help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l out -d 'Where to write the plan' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s j -l jobs -d 'Cities rolled out at once (servers at once: --host-jobs)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l batch -d 'Servers of a city switched at once: a number or a percentage [default: all]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l max-failures -d 'Failed cities (unreachable servers count) tolerated before no new city starts' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l lock-wait -d 'Wait this long for a city lock another rollout holds' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l stale-after -d 'A lock older than this is reported as stale' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l override-window -d 'Change cities outside their maintenance window, recording why' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l no-restore-point -d 'Go on where no restore point (a backup of the city database) can be taken first, recording why' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l events -d 'Stream one versioned JSON event per line on stdout as it happens' -r -f -a "ndjson\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l host-jobs -d 'Servers worked on at once across the whole run' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l dry-run -d 'Print the plan, write nothing'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l no-pause -d 'Go on to the next wave without asking'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l migrate -d 'Migrate a city database that is behind the release\'s schema first'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l provision -d 'Provision each city\'s servers (plan and apply) before deploying'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l allow-downgrade -d 'Roll out a release older than the one a city runs (`rollback` is the usual way back)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l timings -d 'Show where the time went: the critical path (the phases of the hosts the run waited on) and each phase over all hosts (with --json: a `timings` section)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s y -l yes -d 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s j -l jobs -d 'Cities rolled out at once (servers at once: --host-jobs)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l batch -d 'Servers of a city switched at once: a number or a percentage [default: all]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l max-failures -d 'Failed cities (unreachable servers count) tolerated before no new city starts' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l lock-wait -d 'Wait this long for a city lock another rollout holds' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l stale-after -d 'A lock older than this is reported as stale' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l override-window -d 'Change cities outside their maintenance window, recording why' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l no-restore-point -d 'Go on where no restore point (a backup of the city database) can be taken first, recording why' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l events -d 'Stream one versioned JSON event per line on stdout as it happens' -r -f -a "ndjson\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l host-jobs -d 'Servers worked on at once across the whole run' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l no-pause -d 'Go on to the next wave without asking'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l migrate -d 'Migrate a city database that is behind the release\'s schema first'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l provision -d 'Provision each city\'s servers (plan and apply) before deploying'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l allow-downgrade -d 'Roll out a release older than the one a city runs (`rollback` is the usual way back)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l timings -d 'Show where the time went: the critical path (the phases of the hosts the run waited on) and each phase over all hosts (with --json: a `timings` section)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from unlock" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from abandon" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "plan" -d 'Record per city and server the current release, the steps and the facts they rely on'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Execute a recorded plan; a city whose facts moved since is refused'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "unlock" -d 'Break the rollout lock of a city (recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "abandon" -d 'Give up the unfinished rollout (after damage, or when it cannot go on); servers stay as they are'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l to -d 'The release to go back to [default: the one installed before the current]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l override-window -d 'Change the city outside its maintenance window, recording why' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l lock-wait -d 'Wait this long for a city lock another run holds' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand rollback" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l gc -d 'Drop from each server\'s release store the contents no kept release uses (an hour old at least; rollouts do this too)'
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -s y -l yes -d 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand releases" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l only -d 'Only these checks (comma list: ssh, clock, disk, inodes, memory, load, service, release, app, routes, endpoints, database, schema, drift, data)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l skip -d 'Leave these checks out' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l format -d 'table (grouped by city, worst first) or nagios (one plugin line with performance data)' -r -f -a "table\t''
nagios\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l province -d 'Also the province center'
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand health" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -s j -l jobs -d 'Databases asked at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l province -d 'Also the province center'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l offline -d 'Only what the state folder holds: do not ask the databases for their schema'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l explain -d 'The score of one city criterion by criterion, with the facts each came from'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l record -d 'Keep today\'s snapshot of every city\'s milestones and score (the report\'s history)'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand status" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -s o -l out -d 'Write it to this file (replaced atomically) [default: stdout]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l format -d 'html: one self-contained page; csv, markdown: the province table [default: what --out\'s name ends in (.csv, .md), else html]' -r -f -a "html\t''
csv\t''
markdown\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l lang -d 'The language of the page\'s own words: zh (its readers: the province and the cities) or en' -r -f -a "zh\t''
en\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l province -d 'Also the province center'
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand report" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -f -a "synth" -d 'Synthetic county extracts of a city, with injected defects reported exactly'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -f -a "import" -d 'Load county extracts: every row loaded or rejected with its line and reason'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -f -a "check" -d 'Data-quality rules, run inside each city database (exit 1 when an error rule fails)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -f -a "compare" -d 'Row-level reconciliation of a county\'s source with what the city holds (exit 0 the same, 3 differences found, 1 failed)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -f -a "progress" -d 'Which county\'s data is in the city\'s center, and how good (exit 1 past the deadline)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -f -a "changes" -d 'What each cycle changed: per county and table, rows new, changed, missing and rejected per load, and the open problems going up or down'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and not __fish_seen_subcommand_from synth import check compare progress changes help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l persons -d 'How many persons, spread over the city\'s counties' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l defects -d 'Share of persons given one injected defect (0–1)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l encoding -d 'utf-8 or gbk' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l seed -d 'Same seed, same files' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l out -d 'Folder for the county folders and summary.json' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from synth" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l county -d 'The county the extract comes from (GB/T 2260 code) [default: the county folders\' names]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l encoding -d 'utf-8, gbk or gb18030 [default: detected]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l mapping -d 'A mapping file (a name under templates/mappings/, or a path) for another layout' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l rejects -d 'Where reject files go [default: <state>/imports]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l lock-wait -d 'Wait this long for another import of the same county to end' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l dry-run -d 'Validate and convert, report what would be rejected, load nothing'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l apply-missing -d 'Delete the county\'s rows its extract no longer holds (each import marks and counts them; without this flag they are kept)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -s y -l yes -d 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l full -d 'Write every row again, changed or not (what a re-import cost before row fingerprints; the peer of the data-cycle benchmarks)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l rule -d 'Only these rules (comma list of names)' -r -f -a "person_name_not_null\t''
person_id_shape\t''
person_id_check_char\t''
person_id_birth_real\t''
person_id_area_code\t''
person_id_sex\t''
person_id_birth_matches\t''
person_id_legacy_15\t''
person_id_unique_across_counties\t''
person_birth_date_valid\t''
person_sex_in_dictionary\t''
person_name_characters\t''
person_rows\t''
employer_code_valid\t''
enrolment_insurance_type_in_dictionary\t''
contribution_insurance_type_in_dictionary\t''
contribution_period_valid\t''
contribution_orphan_person\t''
contribution_orphan_employer\t''
contribution_paid_twice\t''
contribution_after_retirement\t''
contribution_while_unemployed\t''
contribution_reconciliation\t''
benefit_orphan_person\t''
enrolment_orphan_person\t''
person_work_age\t''
person_id_names_differ\t''
person_candidate_duplicate\t''
person_area_code_valid\t''
employer_area_code_valid\t''
employer_type_in_dictionary\t''
employer_status_in_dictionary\t''
enrolment_status_in_dictionary\t''
benefit_type_in_dictionary\t''
unemployment_reason_in_dictionary\t''
contribution_gap\t''
contribution_base_limits\t''
benefit_after_death\t''
employment_orphan_person\t''
unemployment_orphan_person\t''
training_orphan_person\t''
enrolment_orphan_employer\t''
employment_orphan_employer\t''
person_work_start_valid\t''
person_retire_date_valid\t''
person_death_date_valid\t''
enrolment_enrolled_on_valid\t''
enrolment_first_enrolled_on_valid\t''
enrolment_ended_on_valid\t''
benefit_paid_on_valid\t''
employment_start_date_valid\t''
employment_end_date_valid\t''
unemployment_registered_on_valid\t''
unemployment_ended_on_valid\t''
training_start_date_valid\t''
training_end_date_valid\t''
inspection_opened_on_valid\t''
inspection_closed_on_valid\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -s j -l jobs -d 'Databases checked at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l rule-jobs -d 'Rules run at once on each database (one connection each): the engine\'s cores work on several rules together' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l lists -d 'Write problem-data lists for the counties: DIR/<county>/<rule>.csv with every violating row, its value and a hint (personal data: files 0600 in 0700 folders, audited)' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l encoding -d 'Encoding of the lists: utf-8 (with a BOM, opens in Excel) or gbk' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l province -d 'The province center\'s database; with --cross-city: across every city'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l cross-city -d 'Persons enrolled in the same insurance in two cities for overlapping periods'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l dry-run -d 'Print each rule\'s SQL (as run on the city\'s engine), run nothing'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l no-fuse -d 'Run every rule alone instead of fusing a table\'s row-level rules into one scan (to compare; the results are the same)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l full -d 'Evaluate every rule over every row, whatever the database keeps (by default each rule is evaluated only where the loads since its last check changed something it reads; rows edited by hand, outside jinbao, are seen only by --full)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l county -d 'The county whose rows are compared' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l source -d 'The county\'s source: an extract (a county folder or CSV files\' folder/file), a PostgreSQL DSN (postgresql://host:port/db, password from the city\'s read-only role), or a SQLite file' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l entity -d 'Only this entity (person, employer, contribution …)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l encoding -d 'utf-8, gbk or gb18030 for extracts [default: detected]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l out -d 'Folder for the differences CSV files [default: <state>/compare]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l full -d 'Compare every row by its values: an extract\'s every row staged, not only the buckets of keys whose sums differ from what the city holds; a database\'s rows hashed, not summed by the fingerprints their imports kept'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from compare" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -s j -l jobs -d 'Databases asked at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from progress" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -l county -d 'One county (GB/T 2260 code) [default: every county of the city]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -l since -d 'From this day on: a date (2027-01-01) or a span back from now (90d)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from changes" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from help" -f -a "synth" -d 'Synthetic county extracts of a city, with injected defects reported exactly'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from help" -f -a "import" -d 'Load county extracts: every row loaded or rejected with its line and reason'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from help" -f -a "check" -d 'Data-quality rules, run inside each city database (exit 1 when an error rule fails)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from help" -f -a "compare" -d 'Row-level reconciliation of a county\'s source with what the city holds (exit 0 the same, 3 differences found, 1 failed)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from help" -f -a "progress" -d 'Which county\'s data is in the city\'s center, and how good (exit 1 past the deadline)'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from help" -f -a "changes" -d 'What each cycle changed: per county and table, rows new, changed, missing and rejected per load, and the open problems going up or down'
complete -c jinbao -n "__fish_jinbao_using_subcommand data; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "init" -d 'Create each database if missing, with its migrator, application and read-only roles'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "migrate" -d 'Apply pending migrations in order, each in its own transaction'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "status" -d 'One row per database: current version, pending migrations, checksum problems'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "drift" -d 'Compare the live schema with what the migrations produce; exit 3 on drift'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "baseline" -d 'Adopt a database that already has the schema: record migrations as applied'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "repair" -d 'Accept a migration edited after it was applied: record its file\'s checksum (asks first; audited)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "backup" -d 'Back up each city database now (SQLite: into the state folder; every table\'s rows counted in the same picture)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "backups" -d 'List a city\'s backups: time, type, reason, size, schema, rows, whether a drill verified them'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "restore" -d 'Restore a backup: into a new database beside the live one (default), or in place after a question (audited; the live one is kept as a backup first)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "drill" -d 'Restore each city\'s latest backup into a scratch database and check it against what was counted when it was taken; the live database is never touched'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and not __fish_seen_subcommand_from init migrate status drift baseline repair backup backups restore drill help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -s j -l jobs -d 'Databases worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l province -d 'The province center\'s database (`jinbao_province`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -s j -l jobs -d 'Databases worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l to -d 'Stop at this version (default: the latest)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l lock-wait -d 'How long to wait for another migration run holding the lock' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l no-restore-point -d 'Migrate even when no backup can be taken first, for this reason (audited)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l province -d 'The province center\'s database (`jinbao_province`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l dry-run -d 'Print the SQL that would run, run nothing'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -s j -l jobs -d 'Databases worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l province -d 'The province center\'s database (`jinbao_province`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -s j -l jobs -d 'Databases worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l province -d 'The province center\'s database (`jinbao_province`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drift" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -s j -l jobs -d 'Databases worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l to -d 'Version the database is at (default: the latest)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l province -d 'The province center\'s database (`jinbao_province`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l force -d 'Record the baseline even if the live schema differs from the migrations'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from baseline" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -s j -l jobs -d 'Databases worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l version -d 'Only this migration [default: every edited one]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l province -d 'The province center\'s database (`jinbao_province`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l dry-run -d 'Show what would be re-recorded, change nothing'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -s y -l yes -d 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from repair" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -s j -l jobs -d 'Databases worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l province -d 'The province center\'s database (`jinbao_province`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backup" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from backups" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l backup -d 'This backup, an id `jinbao db backups CITY` lists [default: the latest]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l time -d 'The database as it was at this time, e.g. "2026-12-03 14:30" (+08:00) or RFC 3339 (PostgreSQL; an SQLite database has backup points only)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l before-run -d 'The restore point the rollout run RUN took before it changed anything' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l into -d 'Into a new database of this name beside the live one [default: CITY_restored_ID]' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l override-window -d 'Replace it outside the maintenance window, recording why' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l in-place -d 'Replace the live database (asks first; inside the maintenance window; audited)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -s y -l yes -d 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -s j -l jobs -d 'Databases worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l province -d 'The province center\'s database (`jinbao_province`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from drill" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create each database if missing, with its migrator, application and read-only roles'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Apply pending migrations in order, each in its own transaction'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'One row per database: current version, pending migrations, checksum problems'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "drift" -d 'Compare the live schema with what the migrations produce; exit 3 on drift'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "baseline" -d 'Adopt a database that already has the schema: record migrations as applied'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "repair" -d 'Accept a migration edited after it was applied: record its file\'s checksum (asks first; audited)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "backup" -d 'Back up each city database now (SQLite: into the state folder; every table\'s rows counted in the same picture)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "backups" -d 'List a city\'s backups: time, type, reason, size, schema, rows, whether a drill verified them'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore a backup: into a new database beside the live one (default), or in place after a question (audited; the live one is kept as a backup first)'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "drill" -d 'Restore each city\'s latest backup into a scratch database and check it against what was counted when it was taken; the live database is never touched'
complete -c jinbao -n "__fish_jinbao_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -f -a "status" -d 'Who holds which lock, since when'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and not __fish_seen_subcommand_from status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l wave -d 'Every city of a rollout wave (pilot, demonstration, general)' -r -f -a "pilot\t''
demonstration\t''
general\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -s j -l jobs -d 'Servers worked on at once' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l all -d 'Every city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l accept-new-host-keys -d 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "status" -d 'Who holds which lock, since when'
complete -c jinbao -n "__fish_jinbao_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -l since -d 'Only records newer than this (e.g. 7d, 12h)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand audit" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -l profiles -d 'Folder with province.toml, cities/ and env/ [default: the project\'s profiles/, the project found from the current folder upwards, or JINBAO_HOME]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -l env -d 'Environment overlay from <profiles>/env/ [default: sandbox]' -r -f -a "os\t''
production\t''
sandbox\t''
testbed\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -l set -d 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)' -r
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -l state-dir -d 'Folder for journals, locks, histories and the sandbox [default: the project\'s .jinbao/]' -r -F
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR and TERM=dumb are respected)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -l json -d 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -s q -l quiet -d 'Only errors'
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -l show-personal-data -d 'Show ID numbers and names in full (each use is recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand completions" -s h -l help -d 'Print help'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "profile" -d 'List, show, validate and compare profiles'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "ping" -d 'Connect to every server of the target: reachability, latency and basic facts'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "exec" -d 'Run a command on every server of the target'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "provision" -d 'Build servers from their profile: plan, apply'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "net" -d 'Network checks: routes and endpoints from every server'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "release" -d 'Releases of the unified application: pack, inspect'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "rollout" -d 'Roll a release out city by city, wave by wave'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "rollback" -d 'Switch a city back to its previous release'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "releases" -d 'What is installed on each server, and which release is current'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "health" -d 'Health of servers, services and databases (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "status" -d 'Where every city stands: milestones, score, release, health, data, schema'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "report" -d 'The province\'s assessment as one HTML page, or its table as CSV or Markdown'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "data" -d 'County data: synth, import, check, compare, progress'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "db" -d 'Databases: init, migrate, status, drift, baseline, repair'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "lock" -d 'Locks: who holds what, since when (break one with `rollout unlock`)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "audit" -d 'The audit log: every change jinbao made, who made it, when and how it ended'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and not __fish_seen_subcommand_from profile ping exec provision net release rollout rollback releases health status report data db lock audit completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "list" -d 'Every city: code, name, pinyin, wave, servers, database engine'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "show" -d 'The effective profile of one city (pinyin, Chinese name or code)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "validate" -d 'Check every profile (or the named cities); exit 2 on any error'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "diff" -d 'How two cities\' effective profiles differ'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from provision" -f -a "plan" -d 'What would change on every server (exit 0: nothing, 3: changes pending, 1: error); --out records it for `provision apply FILE`'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from provision" -f -a "apply" -d 'Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a plan FILE recorded them (a city whose servers moved since is refused)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from net" -f -a "check" -d 'Check every server\'s routes and TCP endpoints (exit 1 when one fails)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from release" -f -a "pack" -d 'Pack a folder (or a tarball\'s contents) as a release: sorted entries, fixed times'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from release" -f -a "inspect" -d 'Show a release\'s manifest and verify its checksum and every entry'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "plan" -d 'Record per city and server the current release, the steps and the facts they rely on'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "apply" -d 'Execute a recorded plan; a city whose facts moved since is refused'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "unlock" -d 'Break the rollout lock of a city (recorded in the audit log)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "abandon" -d 'Give up the unfinished rollout (after damage, or when it cannot go on); servers stay as they are'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from data" -f -a "synth" -d 'Synthetic county extracts of a city, with injected defects reported exactly'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from data" -f -a "import" -d 'Load county extracts: every row loaded or rejected with its line and reason'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from data" -f -a "check" -d 'Data-quality rules, run inside each city database (exit 1 when an error rule fails)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from data" -f -a "compare" -d 'Row-level reconciliation of a county\'s source with what the city holds (exit 0 the same, 3 differences found, 1 failed)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from data" -f -a "progress" -d 'Which county\'s data is in the city\'s center, and how good (exit 1 past the deadline)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from data" -f -a "changes" -d 'What each cycle changed: per county and table, rows new, changed, missing and rejected per load, and the open problems going up or down'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "init" -d 'Create each database if missing, with its migrator, application and read-only roles'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "migrate" -d 'Apply pending migrations in order, each in its own transaction'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'One row per database: current version, pending migrations, checksum problems'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "drift" -d 'Compare the live schema with what the migrations produce; exit 3 on drift'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "baseline" -d 'Adopt a database that already has the schema: record migrations as applied'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "repair" -d 'Accept a migration edited after it was applied: record its file\'s checksum (asks first; audited)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "backup" -d 'Back up each city database now (SQLite: into the state folder; every table\'s rows counted in the same picture)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "backups" -d 'List a city\'s backups: time, type, reason, size, schema, rows, whether a drill verified them'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "restore" -d 'Restore a backup: into a new database beside the live one (default), or in place after a question (audited; the live one is kept as a backup first)'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "drill" -d 'Restore each city\'s latest backup into a scratch database and check it against what was counted when it was taken; the live database is never touched'
complete -c jinbao -n "__fish_jinbao_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "status" -d 'Who holds which lock, since when'
