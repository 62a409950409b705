
use builtin;
use str;

set edit:completion:arg-completer[jinbao] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'jinbao'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'jinbao'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -y 'Answer yes to confirmations. Given before the command for scripts written when every command took it; the commands that ask take `--yes` themselves'
            cand --yes 'Answer yes to confirmations. Given before the command for scripts written when every command took it; the commands that ask take `--yes` themselves'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand profile 'List, show, validate and compare profiles'
            cand ping 'Connect to every server of the target: reachability, latency and basic facts'
            cand exec 'Run a command on every server of the target'
            cand provision 'Build servers from their profile: plan, apply'
            cand net 'Network checks: routes and endpoints from every server'
            cand release 'Releases of the unified application: pack, inspect'
            cand rollout 'Roll a release out city by city, wave by wave'
            cand rollback 'Switch a city back to its previous release'
            cand releases 'What is installed on each server, and which release is current'
            cand health 'Health of servers, services and databases (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
            cand status 'Where every city stands: milestones, score, release, health, data, schema'
            cand report 'The province''s assessment as one HTML page, or its table as CSV or Markdown'
            cand data 'County data: synth, import, check, compare, progress'
            cand db 'Databases: init, migrate, status, drift, baseline, repair'
            cand lock 'Locks: who holds what, since when (break one with `rollout unlock`)'
            cand audit 'The audit log: every change jinbao made, who made it, when and how it ended'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;profile'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Every city: code, name, pinyin, wave, servers, database engine'
            cand show 'The effective profile of one city (pinyin, Chinese name or code)'
            cand validate 'Check every profile (or the named cities); exit 2 on any error'
            cand diff 'How two cities'' effective profiles differ'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;profile;list'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --province 'Also list the province center (marked as kind "province")'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;profile;show'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --origin 'Show the file and line each value comes from'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;profile;validate'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;profile;diff'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;profile;help'= {
            cand list 'Every city: code, name, pinyin, wave, servers, database engine'
            cand show 'The effective profile of one city (pinyin, Chinese name or code)'
            cand validate 'Check every profile (or the named cities); exit 2 on any error'
            cand diff 'How two cities'' effective profiles differ'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;profile;help;list'= {
        }
        &'jinbao;profile;help;show'= {
        }
        &'jinbao;profile;help;validate'= {
        }
        &'jinbao;profile;help;diff'= {
        }
        &'jinbao;profile;help;help'= {
        }
        &'jinbao;ping'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand --role 'Only servers with this role (db, app, web, gateway)'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;exec'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand --role 'Only servers with this role (db, app, web, gateway)'
            cand --timeout 'Give up on a host''s command after this long (default: the profile''s command_timeout)'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;provision'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand plan 'What would change on every server (exit 0: nothing, 3: changes pending, 1: error); --out records it for `provision apply FILE`'
            cand apply 'Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a plan FILE recorded them (a city whose servers moved since is refused)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;provision;plan'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand --role 'Only servers with this role (db, app, web, gateway)'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --out 'Also write the plan to FILE (JSON), for `provision apply FILE`'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --diff 'Show unified diffs of files'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;provision;apply'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand --role 'Only servers with this role (db, app, web, gateway)'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --override-window 'Change a city outside its maintenance window, recording why'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --diff 'Show unified diffs of files'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --dry-run 'Show what would change, change nothing (the same as `provision plan`)'
            cand --fail-fast 'Stop every host at the first failure on any host'
            cand -y 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --yes 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;provision;help'= {
            cand plan 'What would change on every server (exit 0: nothing, 3: changes pending, 1: error); --out records it for `provision apply FILE`'
            cand apply 'Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a plan FILE recorded them (a city whose servers moved since is refused)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;provision;help;plan'= {
        }
        &'jinbao;provision;help;apply'= {
        }
        &'jinbao;provision;help;help'= {
        }
        &'jinbao;net'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand check 'Check every server''s routes and TCP endpoints (exit 1 when one fails)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;net;check'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand --role 'Only servers with this role (db, app, web, gateway)'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;net;help'= {
            cand check 'Check every server''s routes and TCP endpoints (exit 1 when one fails)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;net;help;check'= {
        }
        &'jinbao;net;help;help'= {
        }
        &'jinbao;release'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand pack 'Pack a folder (or a tarball''s contents) as a release: sorted entries, fixed times'
            cand inspect 'Show a release''s manifest and verify its checksum and every entry'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;release;pack'= {
            cand --version 'Release version [default: the folder''s VERSION file]'
            cand --schema 'Schema version the release needs in the city databases'
            cand --name 'Application name [default: jinbao-unified]'
            cand --health 'Health check, relative to the release [default: the executable named *health*]'
            cand --out 'Where the release goes: a file name ending in .tar.gz (its manifest beside it), or a folder (as <name>-<version>.tar.gz)'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;release;inspect'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;release;help'= {
            cand pack 'Pack a folder (or a tarball''s contents) as a release: sorted entries, fixed times'
            cand inspect 'Show a release''s manifest and verify its checksum and every entry'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;release;help;pack'= {
        }
        &'jinbao;release;help;inspect'= {
        }
        &'jinbao;release;help;help'= {
        }
        &'jinbao;rollout'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Cities rolled out at once (servers at once: --host-jobs)'
            cand --jobs 'Cities rolled out at once (servers at once: --host-jobs)'
            cand --batch 'Servers of a city switched at once: a number or a percentage [default: all]'
            cand --max-failures 'Failed cities (unreachable servers count) tolerated before no new city starts'
            cand --lock-wait 'Wait this long for a city lock another rollout holds'
            cand --stale-after 'A lock older than this is reported as stale'
            cand --override-window 'Change cities outside their maintenance window, recording why'
            cand --no-restore-point 'Go on where no restore point (a backup of the city database) can be taken first, recording why'
            cand --events 'Stream one versioned JSON event per line on stdout as it happens'
            cand --host-jobs 'Servers worked on at once across the whole run'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --no-pause 'Go on to the next wave without asking'
            cand --migrate 'Migrate a city database that is behind the release''s schema first'
            cand --provision 'Provision each city''s servers (plan and apply) before deploying'
            cand --allow-downgrade 'Roll out a release older than the one a city runs (`rollback` is the usual way back)'
            cand --timings 'Show where the time went: the critical path (the phases of the hosts the run waited on) and each phase over all hosts (with --json: a `timings` section)'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand -y 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --yes 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --resume 'Go on with the interrupted (or paused) rollout recorded in the journal'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand plan 'Record per city and server the current release, the steps and the facts they rely on'
            cand apply 'Execute a recorded plan; a city whose facts moved since is refused'
            cand unlock 'Break the rollout lock of a city (recorded in the audit log)'
            cand abandon 'Give up the unfinished rollout (after damage, or when it cannot go on); servers stay as they are'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;rollout;plan'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand --out 'Where to write the plan'
            cand -j 'Cities rolled out at once (servers at once: --host-jobs)'
            cand --jobs 'Cities rolled out at once (servers at once: --host-jobs)'
            cand --batch 'Servers of a city switched at once: a number or a percentage [default: all]'
            cand --max-failures 'Failed cities (unreachable servers count) tolerated before no new city starts'
            cand --lock-wait 'Wait this long for a city lock another rollout holds'
            cand --stale-after 'A lock older than this is reported as stale'
            cand --override-window 'Change cities outside their maintenance window, recording why'
            cand --no-restore-point 'Go on where no restore point (a backup of the city database) can be taken first, recording why'
            cand --events 'Stream one versioned JSON event per line on stdout as it happens'
            cand --host-jobs 'Servers worked on at once across the whole run'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --dry-run 'Print the plan, write nothing'
            cand --no-pause 'Go on to the next wave without asking'
            cand --migrate 'Migrate a city database that is behind the release''s schema first'
            cand --provision 'Provision each city''s servers (plan and apply) before deploying'
            cand --allow-downgrade 'Roll out a release older than the one a city runs (`rollback` is the usual way back)'
            cand --timings 'Show where the time went: the critical path (the phases of the hosts the run waited on) and each phase over all hosts (with --json: a `timings` section)'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand -y 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --yes 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;rollout;apply'= {
            cand -j 'Cities rolled out at once (servers at once: --host-jobs)'
            cand --jobs 'Cities rolled out at once (servers at once: --host-jobs)'
            cand --batch 'Servers of a city switched at once: a number or a percentage [default: all]'
            cand --max-failures 'Failed cities (unreachable servers count) tolerated before no new city starts'
            cand --lock-wait 'Wait this long for a city lock another rollout holds'
            cand --stale-after 'A lock older than this is reported as stale'
            cand --override-window 'Change cities outside their maintenance window, recording why'
            cand --no-restore-point 'Go on where no restore point (a backup of the city database) can be taken first, recording why'
            cand --events 'Stream one versioned JSON event per line on stdout as it happens'
            cand --host-jobs 'Servers worked on at once across the whole run'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --no-pause 'Go on to the next wave without asking'
            cand --migrate 'Migrate a city database that is behind the release''s schema first'
            cand --provision 'Provision each city''s servers (plan and apply) before deploying'
            cand --allow-downgrade 'Roll out a release older than the one a city runs (`rollback` is the usual way back)'
            cand --timings 'Show where the time went: the critical path (the phases of the hosts the run waited on) and each phase over all hosts (with --json: a `timings` section)'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand -y 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --yes 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;rollout;unlock'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;rollout;abandon'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;rollout;help'= {
            cand plan 'Record per city and server the current release, the steps and the facts they rely on'
            cand apply 'Execute a recorded plan; a city whose facts moved since is refused'
            cand unlock 'Break the rollout lock of a city (recorded in the audit log)'
            cand abandon 'Give up the unfinished rollout (after damage, or when it cannot go on); servers stay as they are'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;rollout;help;plan'= {
        }
        &'jinbao;rollout;help;apply'= {
        }
        &'jinbao;rollout;help;unlock'= {
        }
        &'jinbao;rollout;help;abandon'= {
        }
        &'jinbao;rollout;help;help'= {
        }
        &'jinbao;rollback'= {
            cand --to 'The release to go back to [default: the one installed before the current]'
            cand --override-window 'Change the city outside its maintenance window, recording why'
            cand --lock-wait 'Wait this long for a city lock another run holds'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;releases'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --gc 'Drop from each server''s release store the contents no kept release uses (an hour old at least; rollouts do this too)'
            cand -y 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --yes 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;health'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand --only 'Only these checks (comma list: ssh, clock, disk, inodes, memory, load, service, release, app, routes, endpoints, database, schema, drift, data)'
            cand --skip 'Leave these checks out'
            cand --format 'table (grouped by city, worst first) or nagios (one plugin line with performance data)'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'Also the province center'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;status'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases asked at once'
            cand --jobs 'Databases asked at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'Also the province center'
            cand --offline 'Only what the state folder holds: do not ask the databases for their schema'
            cand --explain 'The score of one city criterion by criterion, with the facts each came from'
            cand --record 'Keep today''s snapshot of every city''s milestones and score (the report''s history)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;report'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -o 'Write it to this file (replaced atomically) [default: stdout]'
            cand --out 'Write it to this file (replaced atomically) [default: stdout]'
            cand --format 'html: one self-contained page; csv, markdown: the province table [default: what --out''s name ends in (.csv, .md), else html]'
            cand --lang 'The language of the page''s own words: zh (its readers: the province and the cities) or en'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'Also the province center'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;data'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand synth 'Synthetic county extracts of a city, with injected defects reported exactly'
            cand import 'Load county extracts: every row loaded or rejected with its line and reason'
            cand check 'Data-quality rules, run inside each city database (exit 1 when an error rule fails)'
            cand compare 'Row-level reconciliation of a county''s source with what the city holds (exit 0 the same, 3 differences found, 1 failed)'
            cand progress 'Which county''s data is in the city''s center, and how good (exit 1 past the deadline)'
            cand changes 'What each cycle changed: per county and table, rows new, changed, missing and rejected per load, and the open problems going up or down'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;data;synth'= {
            cand --persons 'How many persons, spread over the city''s counties'
            cand --defects 'Share of persons given one injected defect (0–1)'
            cand --encoding 'utf-8 or gbk'
            cand --seed 'Same seed, same files'
            cand --out 'Folder for the county folders and summary.json'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;data;import'= {
            cand --county 'The county the extract comes from (GB/T 2260 code) [default: the county folders'' names]'
            cand --encoding 'utf-8, gbk or gb18030 [default: detected]'
            cand --mapping 'A mapping file (a name under templates/mappings/, or a path) for another layout'
            cand --rejects 'Where reject files go [default: <state>/imports]'
            cand --lock-wait 'Wait this long for another import of the same county to end'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --dry-run 'Validate and convert, report what would be rejected, load nothing'
            cand --apply-missing 'Delete the county''s rows its extract no longer holds (each import marks and counts them; without this flag they are kept)'
            cand -y 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --yes 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --full 'Write every row again, changed or not (what a re-import cost before row fingerprints; the peer of the data-cycle benchmarks)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;data;check'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand --rule 'Only these rules (comma list of names)'
            cand -j 'Databases checked at once'
            cand --jobs 'Databases checked at once'
            cand --rule-jobs 'Rules run at once on each database (one connection each): the engine''s cores work on several rules together'
            cand --lists 'Write problem-data lists for the counties: DIR/<county>/<rule>.csv with every violating row, its value and a hint (personal data: files 0600 in 0700 folders, audited)'
            cand --encoding 'Encoding of the lists: utf-8 (with a BOM, opens in Excel) or gbk'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'The province center''s database; with --cross-city: across every city'
            cand --cross-city 'Persons enrolled in the same insurance in two cities for overlapping periods'
            cand --dry-run 'Print each rule''s SQL (as run on the city''s engine), run nothing'
            cand --no-fuse 'Run every rule alone instead of fusing a table''s row-level rules into one scan (to compare; the results are the same)'
            cand --full 'Evaluate every rule over every row, whatever the database keeps (by default each rule is evaluated only where the loads since its last check changed something it reads; rows edited by hand, outside jinbao, are seen only by --full)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;data;compare'= {
            cand --county 'The county whose rows are compared'
            cand --source 'The county''s source: an extract (a county folder or CSV files'' folder/file), a PostgreSQL DSN (postgresql://host:port/db, password from the city''s read-only role), or a SQLite file'
            cand --entity 'Only this entity (person, employer, contribution …)'
            cand --encoding 'utf-8, gbk or gb18030 for extracts [default: detected]'
            cand --out 'Folder for the differences CSV files [default: <state>/compare]'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --full 'Compare every row by its values: an extract''s every row staged, not only the buckets of keys whose sums differ from what the city holds; a database''s rows hashed, not summed by the fingerprints their imports kept'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;data;progress'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases asked at once'
            cand --jobs 'Databases asked at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;data;changes'= {
            cand --county 'One county (GB/T 2260 code) [default: every county of the city]'
            cand --since 'From this day on: a date (2027-01-01) or a span back from now (90d)'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;data;help'= {
            cand synth 'Synthetic county extracts of a city, with injected defects reported exactly'
            cand import 'Load county extracts: every row loaded or rejected with its line and reason'
            cand check 'Data-quality rules, run inside each city database (exit 1 when an error rule fails)'
            cand compare 'Row-level reconciliation of a county''s source with what the city holds (exit 0 the same, 3 differences found, 1 failed)'
            cand progress 'Which county''s data is in the city''s center, and how good (exit 1 past the deadline)'
            cand changes 'What each cycle changed: per county and table, rows new, changed, missing and rejected per load, and the open problems going up or down'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;data;help;synth'= {
        }
        &'jinbao;data;help;import'= {
        }
        &'jinbao;data;help;check'= {
        }
        &'jinbao;data;help;compare'= {
        }
        &'jinbao;data;help;progress'= {
        }
        &'jinbao;data;help;changes'= {
        }
        &'jinbao;data;help;help'= {
        }
        &'jinbao;db'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand init 'Create each database if missing, with its migrator, application and read-only roles'
            cand migrate 'Apply pending migrations in order, each in its own transaction'
            cand status 'One row per database: current version, pending migrations, checksum problems'
            cand drift 'Compare the live schema with what the migrations produce; exit 3 on drift'
            cand baseline 'Adopt a database that already has the schema: record migrations as applied'
            cand repair 'Accept a migration edited after it was applied: record its file''s checksum (asks first; audited)'
            cand backup 'Back up each city database now (SQLite: into the state folder; every table''s rows counted in the same picture)'
            cand backups 'List a city''s backups: time, type, reason, size, schema, rows, whether a drill verified them'
            cand restore 'Restore a backup: into a new database beside the live one (default), or in place after a question (audited; the live one is kept as a backup first)'
            cand drill 'Restore each city''s latest backup into a scratch database and check it against what was counted when it was taken; the live database is never touched'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;db;init'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases worked on at once'
            cand --jobs 'Databases worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'The province center''s database (`jinbao_province`)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;migrate'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases worked on at once'
            cand --jobs 'Databases worked on at once'
            cand --to 'Stop at this version (default: the latest)'
            cand --lock-wait 'How long to wait for another migration run holding the lock'
            cand --no-restore-point 'Migrate even when no backup can be taken first, for this reason (audited)'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'The province center''s database (`jinbao_province`)'
            cand --dry-run 'Print the SQL that would run, run nothing'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;status'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases worked on at once'
            cand --jobs 'Databases worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'The province center''s database (`jinbao_province`)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;drift'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases worked on at once'
            cand --jobs 'Databases worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'The province center''s database (`jinbao_province`)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;baseline'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases worked on at once'
            cand --jobs 'Databases worked on at once'
            cand --to 'Version the database is at (default: the latest)'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'The province center''s database (`jinbao_province`)'
            cand --force 'Record the baseline even if the live schema differs from the migrations'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;repair'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases worked on at once'
            cand --jobs 'Databases worked on at once'
            cand --version 'Only this migration [default: every edited one]'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'The province center''s database (`jinbao_province`)'
            cand --dry-run 'Show what would be re-recorded, change nothing'
            cand -y 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --yes 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;backup'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases worked on at once'
            cand --jobs 'Databases worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'The province center''s database (`jinbao_province`)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;backups'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;restore'= {
            cand --backup 'This backup, an id `jinbao db backups CITY` lists [default: the latest]'
            cand --time 'The database as it was at this time, e.g. "2026-12-03 14:30" (+08:00) or RFC 3339 (PostgreSQL; an SQLite database has backup points only)'
            cand --before-run 'The restore point the rollout run RUN took before it changed anything'
            cand --into 'Into a new database of this name beside the live one [default: CITY_restored_ID]'
            cand --override-window 'Replace it outside the maintenance window, recording why'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --in-place 'Replace the live database (asks first; inside the maintenance window; audited)'
            cand -y 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --yes 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;drill'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Databases worked on at once'
            cand --jobs 'Databases worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --province 'The province center''s database (`jinbao_province`)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;db;help'= {
            cand init 'Create each database if missing, with its migrator, application and read-only roles'
            cand migrate 'Apply pending migrations in order, each in its own transaction'
            cand status 'One row per database: current version, pending migrations, checksum problems'
            cand drift 'Compare the live schema with what the migrations produce; exit 3 on drift'
            cand baseline 'Adopt a database that already has the schema: record migrations as applied'
            cand repair 'Accept a migration edited after it was applied: record its file''s checksum (asks first; audited)'
            cand backup 'Back up each city database now (SQLite: into the state folder; every table''s rows counted in the same picture)'
            cand backups 'List a city''s backups: time, type, reason, size, schema, rows, whether a drill verified them'
            cand restore 'Restore a backup: into a new database beside the live one (default), or in place after a question (audited; the live one is kept as a backup first)'
            cand drill 'Restore each city''s latest backup into a scratch database and check it against what was counted when it was taken; the live database is never touched'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;db;help;init'= {
        }
        &'jinbao;db;help;migrate'= {
        }
        &'jinbao;db;help;status'= {
        }
        &'jinbao;db;help;drift'= {
        }
        &'jinbao;db;help;baseline'= {
        }
        &'jinbao;db;help;repair'= {
        }
        &'jinbao;db;help;backup'= {
        }
        &'jinbao;db;help;backups'= {
        }
        &'jinbao;db;help;restore'= {
        }
        &'jinbao;db;help;drill'= {
        }
        &'jinbao;db;help;help'= {
        }
        &'jinbao;lock'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand status 'Who holds which lock, since when'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;lock;status'= {
            cand --wave 'Every city of a rollout wave (pilot, demonstration, general)'
            cand -j 'Servers worked on at once'
            cand --jobs 'Servers worked on at once'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --all 'Every city, wave by wave'
            cand --accept-new-host-keys 'Record the host key of a host missing from known_hosts (a changed key is always refused)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;lock;help'= {
            cand status 'Who holds which lock, since when'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;lock;help;status'= {
        }
        &'jinbao;lock;help;help'= {
        }
        &'jinbao;audit'= {
            cand --since 'Only records newer than this (e.g. 7d, 12h)'
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;completions'= {
            cand --profiles 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]'
            cand --env 'Environment overlay from <profiles>/env/ [default: sandbox]'
            cand --set 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)'
            cand --state-dir 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]'
            cand --color 'When to use colour (NO_COLOR and TERM=dumb are respected)'
            cand --json 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand --show-personal-data 'Show ID numbers and names in full (each use is recorded in the audit log)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jinbao;help'= {
            cand profile 'List, show, validate and compare profiles'
            cand ping 'Connect to every server of the target: reachability, latency and basic facts'
            cand exec 'Run a command on every server of the target'
            cand provision 'Build servers from their profile: plan, apply'
            cand net 'Network checks: routes and endpoints from every server'
            cand release 'Releases of the unified application: pack, inspect'
            cand rollout 'Roll a release out city by city, wave by wave'
            cand rollback 'Switch a city back to its previous release'
            cand releases 'What is installed on each server, and which release is current'
            cand health 'Health of servers, services and databases (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
            cand status 'Where every city stands: milestones, score, release, health, data, schema'
            cand report 'The province''s assessment as one HTML page, or its table as CSV or Markdown'
            cand data 'County data: synth, import, check, compare, progress'
            cand db 'Databases: init, migrate, status, drift, baseline, repair'
            cand lock 'Locks: who holds what, since when (break one with `rollout unlock`)'
            cand audit 'The audit log: every change jinbao made, who made it, when and how it ended'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jinbao;help;profile'= {
            cand list 'Every city: code, name, pinyin, wave, servers, database engine'
            cand show 'The effective profile of one city (pinyin, Chinese name or code)'
            cand validate 'Check every profile (or the named cities); exit 2 on any error'
            cand diff 'How two cities'' effective profiles differ'
        }
        &'jinbao;help;profile;list'= {
        }
        &'jinbao;help;profile;show'= {
        }
        &'jinbao;help;profile;validate'= {
        }
        &'jinbao;help;profile;diff'= {
        }
        &'jinbao;help;ping'= {
        }
        &'jinbao;help;exec'= {
        }
        &'jinbao;help;provision'= {
            cand plan 'What would change on every server (exit 0: nothing, 3: changes pending, 1: error); --out records it for `provision apply FILE`'
            cand apply 'Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a plan FILE recorded them (a city whose servers moved since is refused)'
        }
        &'jinbao;help;provision;plan'= {
        }
        &'jinbao;help;provision;apply'= {
        }
        &'jinbao;help;net'= {
            cand check 'Check every server''s routes and TCP endpoints (exit 1 when one fails)'
        }
        &'jinbao;help;net;check'= {
        }
        &'jinbao;help;release'= {
            cand pack 'Pack a folder (or a tarball''s contents) as a release: sorted entries, fixed times'
            cand inspect 'Show a release''s manifest and verify its checksum and every entry'
        }
        &'jinbao;help;release;pack'= {
        }
        &'jinbao;help;release;inspect'= {
        }
        &'jinbao;help;rollout'= {
            cand plan 'Record per city and server the current release, the steps and the facts they rely on'
            cand apply 'Execute a recorded plan; a city whose facts moved since is refused'
            cand unlock 'Break the rollout lock of a city (recorded in the audit log)'
            cand abandon 'Give up the unfinished rollout (after damage, or when it cannot go on); servers stay as they are'
        }
        &'jinbao;help;rollout;plan'= {
        }
        &'jinbao;help;rollout;apply'= {
        }
        &'jinbao;help;rollout;unlock'= {
        }
        &'jinbao;help;rollout;abandon'= {
        }
        &'jinbao;help;rollback'= {
        }
        &'jinbao;help;releases'= {
        }
        &'jinbao;help;health'= {
        }
        &'jinbao;help;status'= {
        }
        &'jinbao;help;report'= {
        }
        &'jinbao;help;data'= {
            cand synth 'Synthetic county extracts of a city, with injected defects reported exactly'
            cand import 'Load county extracts: every row loaded or rejected with its line and reason'
            cand check 'Data-quality rules, run inside each city database (exit 1 when an error rule fails)'
            cand compare 'Row-level reconciliation of a county''s source with what the city holds (exit 0 the same, 3 differences found, 1 failed)'
            cand progress 'Which county''s data is in the city''s center, and how good (exit 1 past the deadline)'
            cand changes 'What each cycle changed: per county and table, rows new, changed, missing and rejected per load, and the open problems going up or down'
        }
        &'jinbao;help;data;synth'= {
        }
        &'jinbao;help;data;import'= {
        }
        &'jinbao;help;data;check'= {
        }
        &'jinbao;help;data;compare'= {
        }
        &'jinbao;help;data;progress'= {
        }
        &'jinbao;help;data;changes'= {
        }
        &'jinbao;help;db'= {
            cand init 'Create each database if missing, with its migrator, application and read-only roles'
            cand migrate 'Apply pending migrations in order, each in its own transaction'
            cand status 'One row per database: current version, pending migrations, checksum problems'
            cand drift 'Compare the live schema with what the migrations produce; exit 3 on drift'
            cand baseline 'Adopt a database that already has the schema: record migrations as applied'
            cand repair 'Accept a migration edited after it was applied: record its file''s checksum (asks first; audited)'
            cand backup 'Back up each city database now (SQLite: into the state folder; every table''s rows counted in the same picture)'
            cand backups 'List a city''s backups: time, type, reason, size, schema, rows, whether a drill verified them'
            cand restore 'Restore a backup: into a new database beside the live one (default), or in place after a question (audited; the live one is kept as a backup first)'
            cand drill 'Restore each city''s latest backup into a scratch database and check it against what was counted when it was taken; the live database is never touched'
        }
        &'jinbao;help;db;init'= {
        }
        &'jinbao;help;db;migrate'= {
        }
        &'jinbao;help;db;status'= {
        }
        &'jinbao;help;db;drift'= {
        }
        &'jinbao;help;db;baseline'= {
        }
        &'jinbao;help;db;repair'= {
        }
        &'jinbao;help;db;backup'= {
        }
        &'jinbao;help;db;backups'= {
        }
        &'jinbao;help;db;restore'= {
        }
        &'jinbao;help;db;drill'= {
        }
        &'jinbao;help;lock'= {
            cand status 'Who holds which lock, since when'
        }
        &'jinbao;help;lock;status'= {
        }
        &'jinbao;help;audit'= {
        }
        &'jinbao;help;completions'= {
        }
        &'jinbao;help;help'= {
        }
    ]
    $completions[$command]
}
