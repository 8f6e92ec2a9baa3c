extension MessageCatalogue {
    /// The command line's and the server's own errors.
    static let chineseCommands = table(
        """
        --from and --to name the same file ⇒ --from 和 --to 指向同一个文件
        %1: no added column named '%2' ⇒ %1：没有名为“%2”的附加列
        the added columns are %1 ⇒ 可选的附加列为 %1
        %1: '%2' is named twice ⇒ %1：“%2”写了两次
        %1: the TLS handshake failed%2 ⇒ %1：TLS 握手失败%2
        %1 in the database ⇒ 数据库中有%1
        the database's plan has another schema (steps this gridplan has and it lacks: %1; steps it has that this gridplan does not know: %2) ⇒ \
        数据库中的规划属于另一版结构（本 gridplan 有而它缺少的步骤：%1；它有而本 gridplan 不认识的步骤：%2）
        copy it with the gridplan version that wrote it ⇒ 请用写入它的那个 gridplan 版本复制
        as a superuser, run CREATE EXTENSION postgis in this database (Debian: apt install postgresql-15-postgis-3) ⇒ 请以超级用户在该数据库中执行 \
        CREATE EXTENSION postgis（Debian：apt install postgresql-15-postgis-3）
        the database has no PostGIS and this user cannot add it: %1 ⇒ 数据库没有 PostGIS，且此用户无权添加：%1
        a plan opened for reading one question cannot give a snapshot ⇒ 为回答单个问题而只读打开的规划不能提供快照
        row %1 of %2 names a row of %3 that does not exist ⇒ %2 的第 %1 行引用了 %3 中不存在的行
        copied %1 rows in %2 tables to %3 ⇒ 已复制 %2 个表共 %1 行到 %3
        copied the plan to %1 (SQLite's online backup) ⇒ 已将规划复制到 %1（SQLite 在线备份）
        rows copied ⇒ 已复制行
        split by county: cases and grids have a partition for each of %1 and one for the rest ⇒ 按县分区：cases 和 grids 为 %1 各设一个分区，其余另设一个
        '%1' is not a county code (six digits, e.g. 440802) ⇒ “%1”不是县级行政区划代码（六位数字，如 440802）
        the file exists; nothing was changed ⇒ 文件已存在；未做任何改动
        add --replace to write over it ⇒ 加 --replace 可覆盖它
        the database already holds a gridplan plan; nothing was changed ⇒ 数据库中已有 gridplan 规划；未做任何改动
        add --replace to put this plan in its place (its tables are dropped; other tables stay) ⇒ 加 --replace 可用本规划替换它（删除其各表；其他表保留）
        the database holds no gridplan plan (no grdb_migrations table) ⇒ 数据库中没有 gridplan 规划（没有 grdb_migrations 表）
        the database holds no gridplan plan (no PostGIS) ⇒ 数据库中没有 gridplan 规划（没有 PostGIS）
        put one there with `gridplan copy --from plan.gpkg --to %1` ⇒ 可用 `gridplan copy --from plan.gpkg --to %1` 把规划放到那里
        the plan there was copied by an older gridplan (it lacks the schema step '%1') ⇒ 那里的规划由较旧的 gridplan 复制（缺少结构步骤“%1”）
        copy it again from its GeoPackage with this gridplan (`gridplan copy --replace`) ⇒ 请用本版 gridplan 从其 GeoPackage 重新复制（`gridplan copy --replace`）
        the plan there was copied by a newer gridplan (schema step '%1') ⇒ 那里的规划由较新的 gridplan 复制（结构步骤“%1”）
        use that gridplan, or copy the plan to a GeoPackage and open it there ⇒ 请使用那个版本的 gridplan，或把规划复制到 GeoPackage 后再打开
        the plan there lacks the schema step '%1' and it could not be taken in place: %2 ⇒ 那里的规划缺少结构步骤“%1”，且无法就地补上：%2
        open it once with this gridplan on the primary server, as a role that may change its tables (a replica follows) ⇒ 请在主服务器上以可修改其表的角色用本版 gridplan 打开一次（副本会随之更新）
        the database has no PostGIS geometry type ⇒ 数据库中没有 PostGIS 的 geometry 类型
        a statement has %1 placeholders and %2 values (a bug in gridplan): %3 ⇒ 语句有 %1 个占位符却有 %2 个值（gridplan 的缺陷）：%3
        %1 values for the %2 columns of %3 (a bug in gridplan) ⇒ %3 有 %2 列，却给了 %1 个值（gridplan 的缺陷）
        a change was asked for inside a read-only transaction (a bug in gridplan) ⇒ 在只读事务中要求修改（gridplan 的缺陷）
        column %1 has the type %2, which gridplan does not read ⇒ 列 %1 的类型为 %2，gridplan 不读取这种类型
        copying from one PostgreSQL database to another is not gridplan's work ⇒ 从一个 PostgreSQL 数据库复制到另一个不属于 gridplan 的工作
        use pg_dump and pg_restore, or copy through a GeoPackage ⇒ 请用 pg_dump 和 pg_restore，或经由 GeoPackage 复制
        %1 was not stored ⇒ %1 未能保存
        no plan version was made for %1 ⇒ 没有为 %1 生成规划版本
        --read-from: give a replica's postgresql:// address, with --db the primary's ⇒ --read-from：请给出副本的 postgresql:// 地址，--db 给主库的地址
        %1: the connection to the server was lost ⇒ %1：与服务器的连接已断开
        the server stopped or restarted; what this command had not committed was rolled back: run it again when the server is up ⇒ \
        服务器已停止或重启；本命令尚未提交的内容已回滚：服务器恢复后请重新运行
        %1: the server says: %2%3 ⇒ %1：服务器答复：%2%3
        %1: no PostgreSQL server answers there%2 ⇒ %1：该地址没有 PostgreSQL 服务器应答%2
        check the host and port, and that the server is running and accepts TCP connections ⇒ 请检查主机和端口，以及服务器是否在运行并接受 TCP 连接
        %1: the server asks for a password and none was given ⇒ %1：服务器要求密码，但没有给出
        bbox: give minx,miny,maxx,maxy ⇒ bbox：请给出 minx,miny,maxx,maxy
        cell=%1: not a number ⇒ cell=%1：不是数字
        level '%1': give street, community, area or unit (or 1–4) ⇒ 层级“%1”：请给出 street（街道）、community（社区）、area（片区）或 unit（单元）（或 1–4）
        bbox=%1: give four numbers minx,miny,maxx,maxy (longitude, latitude) ⇒ bbox=%1：请给出四个数 minx,miny,maxx,maxy（经度、纬度）
        bbox=%1: minx must not exceed maxx, nor miny maxy ⇒ bbox=%1：minx 不能大于 maxx，miny 也不能大于 maxy
        %1=%2: not a number ⇒ %1=%2：不是数字
        crs=%1: %2 ⇒ crs=%1：%2
        give lon and lat (and crs, default cgcs2000), or address — not both, not one coordinate alone ⇒ 请给出 lon 和 lat（及 crs，默认 cgcs2000），或给出 \
        address——不能两者都给，也不能只给一个坐标
        at=%1: not a date (e.g. 2024-06-01) ⇒ at=%1：不是日期（如 2024-06-01）
        k=%1: not a whole number ⇒ k=%1：不是整数
        cell=%1: give a cell size in degrees that cuts the bbox into at most 250,000 cells ⇒ cell=%1：请给出以度计的格子大小，使 bbox 至多分成 250,000 个格子
        no feature '%1' in %2 ⇒ %2 中没有要素“%1”
        no collection '%1'; the collections are %2 ⇒ 没有数据集“%1”；现有数据集：%2
        %1=%2: give a whole number ≥ 1 ⇒ %1=%2：请给出大于等于 1 的整数
        %1=%2: give a whole number ≥ 0 ⇒ %1=%2：请给出大于等于 0 的整数
        no feature %1 in %2 ⇒ %2 中没有要素 %1
        %1=%2: give LON,LAT ⇒ %1=%2：请给出 经度,纬度
        %1=%2: not a day (YYYY-MM-DD) ⇒ %1=%2：不是日期（YYYY-MM-DD）
        writing needs a bearer token ⇒ 写入需要持有令牌（bearer token）
        send Authorization: Bearer TOKEN with a token of the server's --token-file ⇒ 请发送 Authorization: Bearer TOKEN，令牌取自服务器的 --token-file
        the request body is over %1 KiB ⇒ 请求体超过 %1 KiB
        of the wrong type: %1 ⇒ 类型不对：%1
        not a JSON object of the expected shape: %1 ⇒ 不是预期结构的 JSON 对象：%1
        '%1' is not primary, backup or chief ⇒ “%1”不是 primary（专职）、backup（兼职）或 chief（网格长）
        '%1' is not a day of the calendar (YYYY-MM-DD) ⇒ “%1”不是有效的日期（YYYY-MM-DD）
        --now %1: not a date and time ⇒ --now %1：不是日期时间
        give --case ID or --all-new ⇒ 请给出 --case 编号 或 --all-new
        --at %1: not a date and time ⇒ --at %1：不是日期时间
        --satisfaction %1: give 1–5, 满意, 基本满意 or 不满意 ⇒ --satisfaction %1：请给出 1–5、满意、基本满意 或 不满意
        %1 %2: expected %3 comma-separated numbers ⇒ %1 %2：应为 %3 个以逗号分隔的数
        --bbox %1: write MINLON,MINLAT,MAXLON,MAXLAT ⇒ --bbox %1：请写成 最小经度,最小纬度,最大经度,最大纬度
        --county %1: a county code has 6 digits (GB/T 2260), e.g. 440802 ⇒ --county %1：县级代码为 6 位数字（GB/T 2260），如 440802
        GeoJSON in %1 is not RFC 7946 (which is longitude/latitude): written with a "crs" member, as GDAL does; many tools will ignore it ⇒ 采用 %1 的 \
        GeoJSON 不符合 RFC 7946（该标准只用经纬度）：已按 GDAL 的做法写入 "crs" 成员；许多工具会忽略它
        give a FILE to import, or --defaults ⇒ 请给出要导入的文件，或使用 --defaults
        --kind is required: one of %1 ⇒ 必须给出 --kind：%1 之一
        --field %1: expected role=field ⇒ --field %1：应为 用途=字段
        --defaults: no GeoData/chikan/divisions.csv found; give --geodata DIR ⇒ --defaults：找不到 GeoData/chikan/divisions.csv；请用 --geodata 目录 指定
        --also %1: expected gcj02 or bd09 ⇒ --also %1：应为 gcj02 或 bd09
        give an ADDRESS, or --lines FILE ⇒ 请给出地址，或 --lines 文件
        --repeat must be at least 1, not %1 ⇒ --repeat 至少为 1，而不是 %1
        opened for reading only, so nothing was written ⇒ 以只读方式打开，未写入任何内容
        %1: cannot read it as UTF-8 text ⇒ %1：无法按 UTF-8 文本读取
        grids without a primary gridder on %1: %2 ⇒ %1 没有专职网格员的网格：%2
        give exactly one of --parent CODE and --level LEVEL ⇒ --parent 编码 和 --level 层级 只能给出其中一个
        --out-level must be area or unit ⇒ --out-level 必须是 area（片区）或 unit（单元）
        --lock needs --redraw ⇒ --lock 需要与 --redraw 一起使用
        --dedicated makes a fresh plan: it cannot go with --redraw (a redraw keeps existing dedicated grids as they are) ⇒ --dedicated 用于全新划分，不能与 \
        --redraw 同用（重新划分保留现有专属网格不变）
        --seeds makes a fresh plan: it cannot go with --redraw ⇒ --seeds 用于全新划分，不能与 --redraw 同用
        give --seeds or --count, not both: with seeds, the number of grids is the number of seeds ⇒ --seeds 和 --count 只能给一个：给了种子点，网格数就是种子点数
        --dedicated-kind-field and --dedicated-name-field need --dedicated ⇒ --dedicated-kind-field 和 --dedicated-name-field 需要与 --dedicated 一起使用
        --seeds-id-field needs --seeds ⇒ --seeds-id-field 需要与 --seeds 一起使用
        --max-radius must be a positive number of metres ⇒ --max-radius 必须是以米计的正数
        --max-residents must be 0 (none) or more ⇒ --max-residents 必须不小于 0（0 表示不限）
        --count must be at least 1 ⇒ --count 至少为 1
        need --min ≤ --target ≤ --max (got %1, %2, %3) ⇒ 需要 --min ≤ --target ≤ --max（实际为 %1、%2、%3）
        --blocks-out %1: write .geojson, .gpkg, .shp or .csv ⇒ --blocks-out %1：请写 .geojson、.gpkg、.shp 或 .csv 文件
        --role %1: not primary, backup or chief ⇒ --role %1：不是 primary（专职）、backup（兼职）或 chief（网格长）
        %1 %2: not a date (e.g. 2024-06-01) ⇒ %1 %2：不是日期（如 2024-06-01）
        --from %1: write a day as YYYY-MM-DD or a version number ⇒ --from %1：请写日期 YYYY-MM-DD 或版本号
        --to %1: write a day as YYYY-MM-DD or a version number ⇒ --to %1：请写日期 YYYY-MM-DD 或版本号
        the plan has no %1 grids ⇒ 规划中没有%1网格
        give --address or --lon and --lat, not both ⇒ --address 与 --lon/--lat 只能给一种
        give the point with --lon and --lat, or --address ⇒ 请用 --lon 和 --lat 给出坐标，或用 --address 给出地址
        line %1: (%2 %3) cannot be converted from %4 to %5 ⇒ 第 %1 行：(%2 %3) 无法从 %4 转换到 %5
        --port %1: give 0–65535 ⇒ --port %1：请给出 0–65535
        --host %1: a server other machines can reach takes writes only with tokens; give --token-file FILE (one token a line), or listen on \
        127.0.0.1 ⇒ --host %1：其他机器可以访问的服务器只接受持有令牌的写入；请给出 --token-file 文件（每行一个令牌），或只监听 127.0.0.1
        %1: cannot read the tokens ⇒ %1：无法读取令牌
        %1: no tokens in it ⇒ %1：其中没有令牌
        %1: no such plan ⇒ %1：规划文件不存在
        serving %1: %2 ⇒ 无法提供 %1 的服务：%2
        %1, line %2: a token must have at least 16 characters ⇒ %1 第 %2 行：令牌至少要有 16 个字符
        %1, line %2: the token is given twice ⇒ %1 第 %2 行：令牌重复出现
        a satisfaction score goes with --to-status feedback, not %1 ⇒ 满意度评分应随 --to-status feedback（评价）给出，而不是 %1
        --to-status %1: not a status ⇒ --to-status %1：不是案件状态
        level     grids  area km²   households  residents  invalid  no parent multi-part ⇒ 层级      网格数 面积 km²   户数        人口       无效     无上级    多部件
        engine: %1 addresses/s on %2 threads ⇒ 引擎：每秒 %1 条地址，%2 个线程
        engine: %1 points/s on %2 threads (%3 s) ⇒ 引擎：每秒 %1 个点，%2 个线程（%3 秒）
        %1 cases added, %2 updated, %3 rejected in %4 s; coordinates read in %5 ⇒ 新增案件 %1 件，更新 %2 件，退回 %3 件，用时 %4 秒；坐标按 %5 读取
        unknown %1 '…' ⇒ 未知的%1“…”
        %1 '…' is not in the named divisions ⇒ %1“…”不在地址所写的行政区划内
        %1 '…' is not in the named county ⇒ %1“…”不在地址所写的区县内
        no house numbers known near %1 on '…' ⇒ “…”上 %1 附近没有已知门牌
        ambiguous: %1 places named '…' ⇒ 有歧义：%1 处地点同名“…”
        %1 not found ⇒ 未找到%1
        not in the gazetteer as written, nothing else in the address confirms it ⇒ 地名库中没有所写的名称，地址中也没有其他信息可以印证
        empty address ⇒ 地址为空
        nothing recognised ⇒ 未识别出任何地址成分
        no reason given ⇒ 未给出原因
        reading %1 ⇒ 正在读取 %1
          %1: %2 households: %3 → %4 grids (%5) ⇒   %1：%2 户：%3 → %4 个网格（%5）
        grids added ⇒ 新增网格
        grids merged ⇒ 合并网格
        --allow-count-changes needs --redraw ⇒ --allow-count-changes 需要与 --redraw 一起使用
        boundary changes: a redraw of %1 moves %2 households (%3 grids added, %4 merged); largest ratio by reassignment alone %5, with the redraw %6 ⇒ 边界调整：重划 %1 移动 %2 户（新增 %3 个网格，合并 %4 个）；仅调整分工时最大负荷比 %5，重划后 %6
        the redraw does not lower the largest ratio: the answer above is reassignment alone ⇒ 重划不能降低最大负荷比：以上为仅调整分工的方案
        redraw applied as plan version %1 ⇒ 重划已写入规划版本 %1
        %1 %2: give a number from %3 to %4 ⇒ %1 %2：请给出 %3 到 %4 之间的数
        %1 %2: give a number over 0, at most %3 ⇒ %1 %2：请给出大于 0、不超过 %3 的数
        %1 %2: give a whole number from %3 to %4 ⇒ %1 %2：请给出 %3 到 %4 之间的整数
        """)
}
