extension MessageCatalogue {
    /// The libraries' errors (GridFormats, GridStore, Grids, Cases, Duty, Geocoding, Planning, Workload).
    static let chineseLibraries = table(
        """
        write failed: %1 ⇒ 写入失败：%1
        could not make a temporary file for the R-tree in %1: %2 ⇒ 无法在 %1 中为 R 树创建临时文件：%2
        could not write the R-tree's temporary file in %1: %2 ⇒ 无法写入 %1 中 R 树的临时文件：%2
        could not read the R-tree's temporary file in %1: %2 ⇒ 无法读取 %1 中 R 树的临时文件：%2
        no id field found (looked for %1) ⇒ 找不到编号字段（查找了 %1）
        no id (field %1 is empty) ⇒ 没有编号（字段 %1 为空）
        time '%1' is not a date and time of the calendar (e.g. 2024-03-01 08:30:00, 2024年3月1日 08:30) ⇒ 时间“%1”不是有效的日期时间（如 2024-03-01 \
        08:30:00、2024年3月1日 08:30）
        closing time '%1' is not a date and time of the calendar ⇒ 办结时间“%1”不是有效的日期时间
        severity '%1' is not ordinary, important or major (一般, 重要, 重大) ⇒ 等级“%1”不是一般、重要或重大（ordinary、important、major）
        status '%1' is not one of %2 ⇒ 状态“%1”不在 %2 之中
        no location: no coordinates and no address ⇒ 没有位置：既无坐标也无地址
        case %1 vanished during import ⇒ 案件 %1 在导入过程中丢失
        another run gave grids codes while this one worked them out; nothing was stored ⇒ 本次计算编码期间另一次运行已为网格编码；未保存任何内容
        run it again ⇒ 请重新运行
        grid %1 vanished while it was repaired ⇒ 网格 %1 在修复过程中丢失
        cannot write the reject file ⇒ 无法写入退回行文件
        the case has no id ⇒ 案件没有编号
        lon and lat must be numbers ⇒ 经度和纬度必须是数字
        (%1, %2) is not a longitude/latitude in %3 ⇒ (%1, %2) 不是 %3 中的经纬度
        give both lon and lat, or neither ⇒ 经度和纬度要么都给，要么都不给
        no location: give lon and lat, or an address ⇒ 没有位置：请给出经纬度或地址
        '%1' is not a date and time of the calendar ⇒ “%1”不是有效的日期时间
        '%1' is not ordinary, important or major ⇒ “%1”不是一般、重要或重大
        '%1' is not a case status ⇒ “%1”不是案件状态
        case %1 was not stored ⇒ 案件 %1 未能保存
        %1 needs %2 LON,LAT ⇒ %1 需要同时给出 %2 经度,纬度
        %1 %2: ask for at least 1 case ⇒ %1 %2：至少要查询 1 件案件
        %1 %2: a distance in metres, 0 or more ⇒ %1 %2：应为以米计的距离，不小于 0
        %1 %2: 0 or more ⇒ %1 %2：应不小于 0
        %1 %2,%3: not a longitude,latitude ⇒ %1 %2,%3：不是经度,纬度
        found a %1 field but no %2 field ⇒ 找到了 %1 字段，但没有 %2 字段
        name both with %1 and %2 ⇒ 请用 %1 和 %2 同时指定两个字段
        the coordinates in %1, %2 have no CRS ⇒ %1、%2 中的坐标没有坐标系
        case %1 has the status '%2', which is not a state gridplan knows ⇒ 案件 %1 的状态为“%2”，gridplan 不认识这个状态
        %1 %2: not a day (YYYY-MM-DD) ⇒ %1 %2：不是日期（YYYY-MM-DD）
        %1 must be between 0 and 100 (got %2) ⇒ %1 必须在 0 到 100 之间（实际为 %2）
        the address is empty ⇒ 地址为空
        '%1': no place found (%2) ⇒ “%1”：找不到地点（%2）
        give the point instead ⇒ 请改为直接给出坐标
        the point (%1, %2) is not a number ⇒ 点 (%1, %2) 不是数字
        the point (%1, %2) in %3: %4 ⇒ %3 中的点 (%1, %2)：%4
        the point (%1, %2) in %3 is not a place on Earth: wrong CRS, or longitude and latitude swapped? ⇒ %3 中的点 (%1, %2) 不在地球上：坐标系错了，还是经纬度写反了？
        needs an id and a name field; the fields are: %1 ⇒ 需要编号字段和名称字段；现有字段：%1
        cannot read the dispatch rules ⇒ 无法读取派遣规则
        not valid dispatch rules: %1 ⇒ 派遣规则无效：%1
        severity_levels.%1: '%2' is not street, community, area or unit ⇒ severity_levels.%1：“%2”不是 street（街道）、community（社区）、area（片区）或 unit（单元）
        category %1: level '%2' is not street, community, area or unit ⇒ 类别 %1：层级“%2”不是 street（街道）、community（社区）、area（片区）或 unit（单元）
        time_limits_hours.%1 must be positive, not %2 ⇒ time_limits_hours.%1 必须为正数，不能是 %2
        '%1' is not a state; the states are %2 ⇒ “%1”不是案件状态；可用状态为 %2
        case %1 is %2: it cannot go to %3; from %4 it may go to %5 ⇒ 案件 %1 当前状态为“%2”，不能转为“%3”；“%4”状态下只能转为 %5
        dispatch it with `gridplan cases dispatch %1 %2`, which chooses one ⇒ 请用 `gridplan cases dispatch %1 %2` 派遣，系统会选定处理人
        a satisfaction score goes with %1 feedback, not %2 ⇒ 满意度评分应随 %1 反馈给出，而不是 %2
        satisfaction %1: give 1 (unsatisfied) to 5 (satisfied) ⇒ 满意度 %1：请给 1（不满意）到 5（满意）
        duty %1 has the role '%2', which is not primary, backup or chief ⇒ 职责 %1 的角色为“%2”，不是 primary（专职）、backup（兼职）或 chief（网格长）
        grid %1 ended on %2 (redrawn); a duty there must end by then ⇒ 网格 %1 已于 %2 撤销（重新划分）；该网格的职责必须在此之前结束
        duty ends on %1, not after it starts on %2 ⇒ 职责结束日 %1 不晚于开始日 %2
        grid %1 already has a %2 (%3) from %4%5; end that duty first ⇒ 网格 %1 自 %4%5 已有%2（%3）；请先结束该职责
        %1 has no %2duty in grid %3 after %4 ⇒ %1 在网格 %3 中 %4 之后没有%2职责
        %1's %2 duty in %3 starts on %4, not before %5; nothing to end ⇒ %1 在 %3 的%2职责从 %4 开始，不早于 %5；没有可结束的职责
        no %1 field (looked for %2); the fields are: %3 ⇒ 没有 %1 字段（查找了 %2）；现有字段：%3
        %1 %2: no such field; the fields are: %3 ⇒ %1 %2：没有这个字段；现有字段：%3
        cannot open to resume ⇒ 无法打开以继续上次的运行
        cannot write ⇒ 无法写入
        %1 %2=…: no such role; roles: %3 ⇒ %1 %2=…：没有这个用途；可用的有：%3
        no field '%1' for %2; the fields are: %3 ⇒ 没有用于 %2 的字段“%1”；现有字段：%3
        no name (field %1) ⇒ 没有名称（字段 %1）
        %1 '%2' does not start with a number ⇒ %1“%2”不以数字开头
        an address needs its road (field road) ⇒ 门牌地址需要所在道路（字段 road）
        a building needs its compound (field compound) ⇒ 楼栋需要所在小区（字段 compound）
        coordinates '%1', '%2' are not numbers ⇒ 坐标“%1”“%2”不是数字
        cannot transform from %1 to EPSG:4490: %2 ⇒ 无法从 %1 转换到 EPSG:4490：%2
        %1 lies outside longitude/latitude range after transforming: wrong %2, or swapped coordinates? ⇒ %1 转换后超出经纬度范围：%2 是否有误，或坐标写反了？
        %1 has house-number ranges but no line geometry to place them on ⇒ %1 有门牌号段，但没有可以放置它们的线几何
        (%1, %2) cannot be transformed from %3 to CGCS2000 ⇒ (%1, %2) 无法从 %3 转换到 CGCS2000
        a house-number range needs both %1 and %2 ⇒ 门牌号段需要同时给出 %1 和 %2
        %1 '%2': expected odd/单, even/双 or all/全 ⇒ %1“%2”：应为 odd/单、even/双 或 all/全
        range %1–%2 does not start and end on %3 numbers ⇒ 号段 %1–%2 的起止号不是%3号
        side '%1': expected left/左 or right/右 ⇒ 侧“%1”：应为 left/左 或 right/右
        %1: no level (province, city, county, street, community) and none follows from its code ⇒ %1：没有层级（省、市、县、街道、社区），从其代码也推断不出
        GDAL cannot read this file as vector data%1 ⇒ GDAL 无法把这个文件读作矢量数据%1
        no layer '%1'; layers are: %2 ⇒ 没有图层“%1”；现有图层：%2
        reading feature %1 failed: %2 ⇒ 读取要素 %1 失败：%2
        feature %1: cannot export its geometry ⇒ 要素 %1：无法导出其几何
        GDAL has no %1 driver ⇒ GDAL 没有 %1 驱动
        a %1 file cannot be written to standard output ⇒ %1 文件不能写到标准输出
        write geojson or csv there, or give a file ⇒ 请在标准输出写 geojson 或 csv，或给出文件名
        cannot create %1 file%2 ⇒ 无法创建 %1 文件%2
        GDAL does not know the CRS %1 ⇒ GDAL 不认识坐标系 %1
        cannot create layer %1%2 ⇒ 无法创建图层 %1%2
        cannot create field %1%2 ⇒ 无法创建字段 %1%2
        feature %1: invalid WKB ⇒ 要素 %1：WKB 无效
        cannot write feature %1%2 ⇒ 无法写入要素 %1%2
        cannot commit%1 ⇒ 无法提交%1
        closing failed: %1 ⇒ 关闭文件失败：%1
        unknown geometry type %1 ⇒ 未知的几何类型 %1
        coordinate transform changed the number of points ⇒ 坐标转换改变了点的个数
        not a non-empty point: %1 ⇒ 不是非空的点：%1
        a line needs at least 2 points, got %1 ⇒ 线至少需要 2 个点，实际为 %1 个
        no transformation from %1 to %2: %3 ⇒ 没有从 %1 到 %2 的转换：%3
        point (%1 %2) cannot be transformed from %3 to %4 ⇒ 点 (%1 %2) 无法从 %3 转换到 %4
        cannot measure an empty geometry ⇒ 无法量算空几何
        PROJ does not know the CRS '%1' ⇒ PROJ 不认识坐标系“%1”
        '%1' is a PROJ object but not a coordinate reference system ⇒ “%1”是 PROJ 对象，但不是坐标系
        not a gridplan plan (%1); gridplan leaves it unchanged. Bring its layers in with `gridplan import %2 %3 PLAN.gpkg %4 …` ⇒ 不是 gridplan \
        规划文件（%1）；gridplan 不会改动它。请用 `gridplan import %2 %3 PLAN.gpkg %4 …` 导入其中的图层
        not a GeoPackage geometry (no 'GP' magic) ⇒ 不是 GeoPackage 几何（缺少“GP”标识）
        truncated GeoPackage geometry header ⇒ GeoPackage 几何头不完整
        cannot be looked at (%1) ⇒ 无法查看（%1）
        %1 is a folder, not a plan file ⇒ %1 是文件夹，不是规划文件
        give the path of a .gpkg file ⇒ 请给出 .gpkg 文件的路径
        %1 is not a regular file (a pipe, device or socket) ⇒ %1 不是普通文件（是管道、设备或套接字）
        cannot be read (%1) ⇒ 无法读取（%1）
        not a GeoPackage (not an SQLite file) ⇒ 不是 GeoPackage 文件（不是 SQLite 文件）
        cannot be opened for reading ⇒ 无法打开读取
        SQLite cannot open it (%1) ⇒ SQLite 无法打开（%1）
        cannot read the file's tables: %1 ⇒ 无法读取文件中的表：%1
        %1 has no grids to assign to; import a plan first ⇒ %1 中没有可分配的网格；请先导入规划
        %1: the %2 grids have no geometry to assign to ⇒ %1：%2 级网格没有可分配的几何图形
        %1 %2: not a time; write e.g. 2024-01-01 or 2024-01-01 08:30 ⇒ %1 %2：不是时间；请写成 2024-01-01 或 2024-01-01 08:30 这样的形式
        code scheme '%1': write LEVEL=BASE+DIGITS, e.g. unit=community+3 ⇒ 编码方案“%1”：请写成 层级=基础+位数，如 unit=community+3
        code scheme '%1': the base must be county or a level above %2 ⇒ 编码方案“%1”：基础必须是 county（县）或 %2 以上的层级
        code scheme '%1' says nothing of the %2 level ⇒ 编码方案“%1”没有说明 %2 层级
        cannot tell the county code (no street grid has a code) ⇒ 无法确定县级代码（没有街道网格有编码）
        give it with %1, e.g. %2 440802 ⇒ 请用 %1 指定，如 %2 440802
        the grids table is not as gridplan made it (no `%1`); it was left unchanged ⇒ grids 表不是 gridplan 建立的样子（没有 `%1`）；未作改动
        the grids table is not as gridplan made it; it was left unchanged ⇒ grids 表不是 gridplan 建立的样子；未作改动
        %1 has no current %2 grids to export ⇒ %1 当前没有可导出的%2网格
        the layer '%1' has no features ⇒ 图层“%1”中没有要素
        %1 %2: write a calendar day as YYYY-MM-DD ⇒ %1 %2：日期请写成 YYYY-MM-DD
        %1 %2 is before %3, when current %4 grids took effect: a new plan cannot start before the one it replaces ⇒ %1 %2 早于现行%4网格的生效日 \
        %3：新规划不能早于被替换的规划生效
        unreadable geometry: %1 ⇒ 几何无法读取：%1
        the geometry is empty ⇒ 几何为空
        the geometry is a %1; grids must be polygons ⇒ 几何是 %1；网格必须是面
        latitude %1 is out of range: longitude and latitude look swapped (x is in -90…90, y beyond ±90) ⇒ 纬度 %1 超出范围：经纬度似乎写反了（x 在 -90…90 之内，y 超出 ±90）
        swap the columns or fix the file ⇒ 请对调两列或修改文件
        coordinates (%1 %2) are not longitude/latitude although the CRS %3 is geographic; are they projected metres? give the right %4 ⇒ 坐标 (%1 %2) \
        不是经纬度，但坐标系 %3 是地理坐标系；是否为投影坐标（米）？请给出正确的 %4
        code %1 is used twice in %2 (first by %3); codes must be unique within a level ⇒ 编码 %1 在 %2 中重复使用（第一次是 %3）；同一层级内编码必须唯一
        field %1 (%2) is '%3', not a whole number ≥ 0 ⇒ 字段 %1（%2）的值为“%3”，不是大于等于 0 的整数
        field %1 (kind) is '%2', not a grid kind: %3 (or 综合网格, 工业园区, 学校, 医院, 市场, 企业, 商业, 专属网格) ⇒ 字段 %1（类型）的值为“%2”，不是网格类型：%3（或 \
        综合网格、工业园区、学校、医院、市场、企业、商业、专属网格）
        the plan stores the grid level %1, which is not 1 (street) to 4 (unit) ⇒ 规划中存有网格层级 %1，不在 1（街道）到 4（单元）之间
        the plan has no grids at %1 nor at %2 ⇒ 规划在 %1 和 %2 都没有网格
        cannot read the sizing rules ⇒ 无法读取网格规模规则
        not valid sizing rules: %1 ⇒ 网格规模规则无效：%1
        the barriers and the parent's boundary form no block inside the parent ⇒ 分隔线与上级边界在上级网格内围不出任何地块
        empty geometry ⇒ 空几何
        %1: %2 has no %3 grids to start from ⇒ %1：%2 没有可作起点的%3网格
        %1: block %2 of %3 touches no existing grid ⇒ %1：%3 的地块 %2 不与任何现有网格相接
        %1 is a %2 grid: it cannot be cut into %3 grids (pick %4 below it) ⇒ %1 是%2网格：不能划分为%3网格（请选其下的 %4）
        %1 %2: no current grid has this code or name ⇒ %1 %2：当前没有网格使用这个编码或名称
        %1 %2: %3 grids have this name; give the code ⇒ %1 %2：有 %3 个网格同名；请给出编码
        %1 %2: the plan has no current %3 grids ⇒ %1 %2：规划当前没有%3网格
        give %1 CODE or %2 LEVEL ⇒ 请给出 %1 编码 或 %2 层级
        %1 feature %2: unreadable geometry: %3 ⇒ %1 要素 %2：几何无法读取：%3
        no lines to cut along (%1 features are points or other non-line geometries) ⇒ 没有可用于分隔的线（%1 个要素是点或其他非线几何）
        %1 feature %2: has no geometry ⇒ %1 要素 %2：没有几何
        %1 feature %2: the geometry is empty ⇒ %1 要素 %2：几何为空
        no households field (looked for %1) ⇒ 没有户数字段（查找了 %1）
        name it with %1 ⇒ 请用 %1 指定
        %1 feature %2: %3 is '%4', not a number ≥ 0 ⇒ %1 要素 %2：%3 的值为“%4”，不是大于等于 0 的数
        has no geometry ⇒ 没有几何
        a %1; dedicated grids must be polygons ⇒ 是 %1；专属网格必须是面
        kind '%1' is comprehensive; a dedicated grid must be of a dedicated kind: %2 ⇒ 类型“%1”是综合网格；专属网格必须是专属类型：%2
        no seed points ⇒ 没有种子点
        no %1 grid with code %2 on %3 ⇒ %3 没有编码为 %2 的%1网格
        %1 %2 is below the level balanced (%3) ⇒ %1 %2 低于要平衡的层级（%3）
        %1 holds no %2 grid with a code on %3 ⇒ %1 在 %3 没有带编码的%2网格
        %1 has no gridder on %2: no primary of its grids and no gridder without duty based there ⇒ %1 在 %2 没有网格员：其网格都没有专职网格员，也没有驻在那里的无职责网格员
        %1 (%2): role %3 has no capacity; give one in the roster's capacity column or the rules ⇒ %1（%2）：角色 %3 没有承载量；请在名册的 capacity 列或规则中给出
        %1 (%2): capacity %3; a gridder's capacity must be positive ⇒ %1（%2）：承载量为 %3；网格员的承载量必须为正数
        %1 (%2): base %3,%4 lies outside the plan; correct it in the roster ⇒ %1（%2）：驻地 %3,%4 在规划范围之外；请在名册中更正
        no gridder can serve it within %1 m (nearest: %2 at %3 m) ⇒ %1 米之内没有网格员可以负责（最近的是 %2，距离 %3 米）
        raise %1 or add a gridder ⇒ 请调大 %1 或增加网格员
        %1 %2: the radius limit alone moves %3 grids away from gridders too far from them ⇒ %1 %2：仅半径限制一项就使 %3 个网格离开了距离过远的网格员
        grid %1: %2's primary duty starts on %3, not before %4; nothing was applied ⇒ 网格 %1：%2 的专职职责从 %3 开始，不早于 %4；未作任何改动
        no lines (streets) to measure patrol length with ⇒ 没有可用于量算巡查长度的线（街道）
        cannot read the workload rules ⇒ 无法读取工作量规则
        not valid workload rules: %1 ⇒ 工作量规则无效：%1
        capacity.%1 is %2; a capacity must be positive ⇒ capacity.%1 为 %2；承载量必须为正数
        severity.%1 is negative (%2) ⇒ severity.%1 为负数（%2）
        case_window_days must be positive ⇒ case_window_days 必须为正数
        %1 %2: '%3' is not NAME=NUMBER (households, residents, cases, dedicated, patrol_km) ⇒ %1 %2：“%3”不是 \
        名称=数值（households、residents、cases、dedicated、patrol_km）
        %1 %2=%3 must be a non-negative number ⇒ %1 %2=%3 必须是非负数
        %1: unknown weight '%2' (households, residents, cases, dedicated, patrol_km) ⇒ %1：未知的权重“%2”（households、residents、cases、dedicated、patrol_km）
        part %1 out of range 0..<%2 ⇒ 部分 %1 超出范围 0..<%2
        rings of a %1: only polygons have rings ⇒ %1 没有环：只有面才有环
        %1 needs a LineString or MultiLineString, not a %2 ⇒ %1 需要 LineString 或 MultiLineString，而不是 %2
        %1 of an empty line ⇒ 空线不能做 %1
        interpolate: distance %1 is not finite ⇒ 插值：距离 %1 不是有限数
        interpolate: fraction %1 is not finite ⇒ 插值：比例 %1 不是有限数
        project: needs a non-empty point, not a %1 ⇒ 投影到线上：需要非空的点，而不是 %1
        cannot normalise axis order for %1 → %2: %3 ⇒ 无法统一 %1 → %2 的坐标轴顺序：%3
        cannot express '%1' as WKT: %2 ⇒ 无法把“%1”表示为 WKT：%2
        invalid GeoPackage envelope indicator %1 ⇒ GeoPackage 外包框标识 %1 无效
        %1 %2: no current %3 grid under the parent%4 has %5 ⇒ %1 %2：上级网格下当前没有%3网格使用 %5
        %1: %2 and %3 overlap by %4 m² in %5; a place belongs to one grid ⇒ %1：%2 与 %3 在 %5 中重叠 %4 m²；一个地方只能属于一个网格
        %1 works on a fresh partition, not with %2 (a redraw keeps the existing dedicated grids as they are) ⇒ %1 用于全新划分，不能与 %2 同用（重新划分保留现有专属网格不变）
        %1 works on a fresh partition, not with %2 (a redraw starts from the existing grids) ⇒ %1 用于全新划分，不能与 %2 同用（重新划分从现有网格出发）
        %1 feature %2: a %3; %4 ⇒ %1 要素 %2：是 %3；%4
        field %1 (kind) is '%2', not a kind of dedicated grid: %3 (or 工业园区, 学校, 医院, 市场, 企业, 商业, 专属网格) ⇒ 字段 %1（类型）的值为“%2”，不是专属网格类型：%3（或 \
        工业园区、学校、医院、市场、企业、商业、专属网格）
        %1: no code, so no duty can name it (run `gridplan codes`) ⇒ %1：没有编码，职责无法指向它（请运行 `gridplan codes`）
        %1: no primary gridder on duty on %2 ⇒ %1：%2 没有在岗的专职网格员
        %1: no grid chief on duty on %2 ⇒ %1：%2 没有在岗的网格长
        %1 is still %2 of grid %3 (since %4), which no longer exists; end the duty or move it to the new grid ⇒ %1 仍是网格 %3 的%2（自 %4 \
        起），但该网格已不存在；请结束该职责或转到新网格
        %1 is primary of %2 and %3, %4 m apart (more than %5 m) ⇒ %1 同时是 %2 和 %3 的专职网格员，两地相距 %4 米（超过 %5 米）
        %1: invalid geometry: %2 ⇒ %1：几何无效：%2
        %1: %2 separate parts; the smaller ones total %3 m² ⇒ %1：分成 %2 个互不相连的部分；较小的部分合计 %3 m²
        %1: a hole of %2 m² ⇒ %1：有一个 %2 m² 的空洞
        code %1 is used by %2 grids: %3 ⇒ 编码 %1 被 %2 个网格使用：%3
        %1: %2 households, outside %3 for a %4 %5 ⇒ %1：%2 户，超出%4%5网格的规模范围 %3
        %1: %2 residents, outside %3 for a %4 %5 ⇒ %1：%2 人，超出%4%5网格的人口范围 %3
        %1 and %2 overlap by %3 m² ⇒ %1 与 %2 重叠 %3 m²
        %1 and %2 overlap by %3 m² (digitising noise) ⇒ %1 与 %2 重叠 %3 m²（数字化误差）
        %1: no grid of a level above contains it ⇒ %1：没有上级网格包含它
        %1: %2 m² lie outside its parent %3 ⇒ %1：有 %2 m² 位于上级网格 %3 之外
        %1: no child grids although %2 other %3 grids have them ⇒ %1：没有下级网格，而其他 %2 个%3网格都有
        %1: a gap of %2 m² not covered by any of its %3 child grids ⇒ %1：有 %2 m² 的空隙不在其 %3 个下级网格的任何一个之内
        '%1' is not a category code: numeric codes have 2, 4 or 6 digits (大类, 小类, 细类) ⇒ “%1”不是类别代码：数字代码为 2、4 或 6 位（大类、小类、细类）
        is empty: leave it out instead ⇒ 为空：不需要时请省略该项
        is %1 characters long, over %2 ⇒ 长 %1 个字符，超过 %2
        holds a control character (a line break or tab?) ⇒ 含有控制字符（换行或制表符？）
        the %1 table is not as gridplan made it (no `%2`); it was left unchanged ⇒ %1 表不是 gridplan 建立的样子（没有 `%2`）；未作改动
        the %1 table is not as gridplan made it; it was left unchanged ⇒ %1 表不是 gridplan 建立的样子；未作改动
        %1 is not a feature table of the plan ⇒ %1 不是规划文件中的要素表
        """)
}
